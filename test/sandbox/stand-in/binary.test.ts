import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyExecutable } from '../../../src/archive/headers/identify-executable.ts';
import type { PlatformId } from '../../../src/domain/platform.ts';
import { makeStandInBinary, readStandInPayload, writeStandInBinary } from '../../../src/sandbox/stand-in/binary.ts';

const behaviour = { version: 'v1.2.3', variant: 'good' } as const;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stand-in-binary-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function hasFileCommand(): boolean {
  return spawnSync('file', ['--version']).status === 0;
}

const cases: Array<{ platform: PlatformId; bytes: (b: Buffer) => void; file: RegExp }> = [
  {
    platform: 'linux/amd64',
    bytes: (b) => {
      expect(b.readUInt32BE(0)).toBe(0x7f454c46);
      expect(b.readUInt16LE(18)).toBe(62);
    },
    file: /ELF 64-bit LSB executable, x86-64.*statically linked/,
  },
  {
    platform: 'linux/arm64',
    bytes: (b) => {
      expect([b[4], b[5]]).toEqual([2, 1]); // 64-bit, little-endian
      expect(b.readUInt16LE(18)).toBe(183);
    },
    file: /ELF 64-bit LSB executable, ARM aarch64.*statically linked/,
  },
  {
    platform: 'windows/amd64',
    bytes: (b) => {
      const pe = b.readUInt32LE(0x3c);
      expect(b.subarray(0, 2).toString('latin1')).toBe('MZ');
      expect(b.readUInt32BE(pe)).toBe(0x50450000);
      expect(b.readUInt16LE(pe + 4)).toBe(0x8664);
      expect(b.readUInt16LE(pe + 24)).toBe(0x20b);
    },
    file: /PE32\+ executable \(console\) x86-64, for MS Windows/,
  },
  {
    platform: 'darwin/arm64',
    bytes: (b) => {
      expect(b.readUInt32LE(0)).toBe(0xfeedfacf);
      expect(b.readUInt32LE(4)).toBe(0x0100000c);
      expect(b.readUInt32LE(12)).toBe(2); // MH_EXECUTE
    },
    file: /Mach-O 64-bit arm64 executable/,
  },
];

describe('stand-in binary headers', () => {
  for (const { platform, bytes, file } of cases) {
    it(`${platform}: a header the pre-flight inspection and file(1) accept`, async () => {
      const binary = makeStandInBinary({ platform, behaviour, sizeBytes: 4096 });
      expect(binary.length).toBe(4096);
      bytes(binary);
      const [os, arch] = platform.split('/');
      expect(identifyExecutable(binary)).toEqual({
        ok: true,
        info: expect.objectContaining({ os, arch, static: os === 'linux' ? true : null }),
      });
      const path = join(dir, platform.replace('/', '-'));
      await writeStandInBinary(path, { platform, behaviour, sizeBytes: 4096 });
      expect(await readStandInPayload(path)).toEqual({ ...behaviour, platform });
      if (hasFileCommand()) expect(execFileSync('file', ['-b', path], { encoding: 'utf8' })).toMatch(file);
    });
  }

  it('stops with a message and exit 126 when run without the launcher (x86-64 ELF)', async () => {
    const path = join(dir, 'direct');
    await writeStandInBinary(path, { platform: 'linux/amd64', behaviour });
    const run = spawnSync(path, [], { encoding: 'utf8' });
    // Only an x86-64 machine can run it; elsewhere the kernel refuses it before our code runs.
    if (process.arch === 'x64') {
      expect(run.status).toBe(126);
      expect(run.stderr).toContain('run me through src/sandbox/stand-in/ephemerd.mjs');
    } else {
      expect(run.status).not.toBe(0);
    }
  });
});

describe('stand-in binary padding', () => {
  it('streams a large binary of the requested size with reproducible, incompressible random padding', async () => {
    const a = join(dir, 'random-a');
    const b = join(dir, 'random-b');
    const size = 3 * 1024 * 1024 + 17;
    await writeStandInBinary(a, { platform: 'windows/amd64', behaviour, sizeBytes: size, padding: 'random' });
    await writeStandInBinary(b, { platform: 'windows/amd64', behaviour, sizeBytes: size, padding: 'random' });
    expect((await stat(a)).size).toBe(size);
    expect((await stat(a)).mode & 0o777).toBe(0o755);
    const sha = (p: string): string => execFileSync('sha256sum', [p], { encoding: 'utf8' }).split(' ')[0]!;
    expect(sha(a)).toBe(sha(b));
    const random = makeStandInBinary({ platform: 'windows/amd64', behaviour, sizeBytes: 1024 * 1024, padding: 'random' });
    const zeros = makeStandInBinary({ platform: 'windows/amd64', behaviour, sizeBytes: 1024 * 1024 });
    expect(gzipSync(random).length).toBeGreaterThan(0.99 * random.length);
    expect(gzipSync(zeros).length).toBeLessThan(0.01 * zeros.length);
  });

  it('never makes a binary smaller than its header and payload', () => {
    const binary = makeStandInBinary({ platform: 'darwin/arm64', behaviour, sizeBytes: 10 });
    expect(binary.length).toBeGreaterThan(512);
    expect(binary.subarray(512).toString('utf8')).toContain('"variant":"good"');
  });
});
