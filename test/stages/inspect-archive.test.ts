import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlatformId } from '../../src/domain/platform.ts';
import { inspectArchive, inspectArchiveStream, type InspectInput, type Inspection } from '../../src/stages/inspect-archive.ts';
import { finished } from 'node:stream/promises';
import { SmokeError } from '../../src/domain/errors.ts';
import { writeTarGz } from '../support/write-tar-gz.ts';
import { writeZip, zeros } from '../support/write-zip.ts';

const BINARIES = join(import.meta.dirname, '..', '.fixtures', 'binaries');
const work = mkdtempSync(join(tmpdir(), 'smoke-inspect-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const REAL: Record<string, { file: string; format: string; static: boolean | null }> = {
  'linux/amd64': { file: 'linux-amd64', format: 'ELF', static: true },
  'linux/arm64': { file: 'linux-arm64', format: 'ELF', static: true },
  'darwin/arm64': { file: 'darwin-arm64', format: 'Mach-O', static: null },
  'windows/amd64': { file: 'windows-amd64.exe', format: 'PE', static: null },
};
const real = (platform: string): Buffer => readFileSync(join(BINARIES, REAL[platform]!.file));

function input(platform: PlatformId, overrides: Partial<InspectInput> = {}): InspectInput {
  const [os, arch] = platform.split('/');
  const ext = os === 'windows' ? 'zip' : 'tar.gz';
  return {
    assetName: `ephemerd_v0.0.1_${os}_${arch}.${ext}`,
    platform,
    binaryName: 'ephemerd',
    minBinaryBytes: 5_000_000,
    maxExtractedBytes: 50_000_000,
    ...overrides,
  };
}

let counter = 0;
const path = (ext: string): string => join(work, `a${++counter}.${ext}`);

/** The archive the release pipeline makes for `platform`, holding the real binary of `binaryOf` (memoized: archives are read-only). */
const made = new Map<string, Promise<string>>();
function realArchive(platform: string, binaryOf: string = platform): Promise<string> {
  const key = `${platform} ${binaryOf}`;
  if (!made.has(key)) made.set(key, releaseArchive(platform, real(binaryOf)));
  return made.get(key)!;
}

/** The archive the release pipeline makes for a platform, holding `data`. */
async function releaseArchive(platform: string, data: Buffer): Promise<string> {
  if (platform.startsWith('windows/')) {
    const p = path('zip');
    await writeZip(p, [{ name: 'ephemerd.exe', data }]); // as Compress-Archive: deflate, no Unix mode
    return p;
  }
  const p = path('tar.gz');
  await writeTarGz(p, [{ name: 'ephemerd', mode: 0o755, data }]);
  return p;
}

describe('inspectArchive with real binaries', () => {
  for (const platform of Object.keys(REAL) as PlatformId[]) {
    it(`passes ${platform} in its own archive`, async () => {
      const result = await inspectArchive(await realArchive(platform), input(platform));
      expect(result.findings).toEqual([]);
      expect(result.check.name).toBe('archive');
      expect(result.check.status).toBe('pass');
      // report.json's durations are whole milliseconds (performance.now() is not).
      expect(Number.isInteger(result.check.durationMs)).toBe(true);
      const [os, arch] = platform.split('/');
      expect(result.binary).toMatchObject({ os, arch, format: REAL[platform]!.format, static: REAL[platform]!.static });
      expect(result.binary?.size).toBe(real(platform).length);
      expect(result.binary?.executableBit).toBe(platform.startsWith('windows/') ? null : true);
    });
  }

  const wrong: Array<[PlatformId, string, string]> = [
    ['linux/amd64', 'linux/arm64', 'ELF linux/arm64'],
    ['linux/arm64', 'linux/amd64', 'ELF linux/amd64'],
    ['darwin/arm64', 'linux/arm64', 'ELF linux/arm64'],
    ['linux/amd64', 'darwin/arm64', 'Mach-O darwin/arm64'],
    ['windows/amd64', 'linux/amd64', 'ELF linux/amd64'],
  ];
  for (const [expected, found, what] of wrong) {
    it(`fails ${found}'s binary in the ${expected} archive, naming both`, async () => {
      const result = await inspectArchive(await realArchive(expected, found), input(expected));
      expect(result.check.status).toBe('fail');
      expect(result.check.detail).toContain(`is a ${what} executable, expected ${expected}`);
      expect(result.findings.map((f) => f.code)).toEqual(['platform-mismatch']);
    });
  }

  it('fails a dynamically linked Linux ELF (/bin/true)', async () => {
    const result = await inspectArchive(await releaseArchive('linux/amd64', readFileSync('/bin/true')), input('linux/amd64', { minBinaryBytes: 1 }));
    expect(result.binary?.static).toBe(false);
    expect(result.check.status).toBe('fail');
    expect(result.check.detail).toBe('ephemerd is dynamically linked (it has a PT_INTERP program header); Linux builds must be static');
  });

  it('fails a binary below the size floor, as a placeholder build', async () => {
    const result = await inspectArchive(await realArchive('linux/amd64'), input('linux/amd64', { minBinaryBytes: 30_000_000 }));
    expect(result.check.detail).toBe('ephemerd is 10.4 MB, below the 30 MB floor for linux/amd64: a placeholder build?');
  });

  it('fails a tar whose binary lacks the executable bit', async () => {
    const p = path('tar.gz');
    await writeTarGz(p, [{ name: 'ephemerd', mode: 0o644, data: real('linux/arm64') }]);
    const result = await inspectArchive(p, input('linux/arm64'));
    expect(result.binary?.executableBit).toBe(false);
    expect(result.check.detail).toBe('ephemerd is not executable in the archive (mode 0644); it would not run once extracted');
  });

  it('reports every problem in findings and the first in the detail', async () => {
    const p = path('tar.gz');
    await writeTarGz(p, [{ name: 'ephemerd', mode: 0o600, data: readFileSync('/bin/true') }]);
    const result = await inspectArchive(p, input('linux/amd64'));
    expect(result.findings.map((f) => f.code)).toEqual(['dynamic', 'too-small', 'no-exec-bit']);
    expect(result.check.detail).toMatch(/dynamically linked.* \(and 2 more\)$/);
  });
});

describe('inspectArchive with broken archives', () => {
  const fail = async (p: string, platform: PlatformId = 'linux/amd64', extra: Partial<InspectInput> = {}) => {
    const result = await inspectArchive(p, input(platform, extra));
    expect(result.check.status).toBe('fail');
    expect(result.check.detail).not.toContain('\n');
    return result;
  };

  it('not gzip', async () => {
    const p = path('tar.gz');
    writeFileSync(p, 'this is not an archive\n');
    const { check } = await fail(p);
    expect(check.detail).toBe('ephemerd_v0.0.1_linux_amd64.tar.gz: not a gzip file (gzip: incorrect header check)');
  });

  it('truncated gzip, naming the entry', async () => {
    const whole = await realArchive('linux/amd64');
    const p = path('tar.gz');
    writeFileSync(p, readFileSync(whole).subarray(0, statSync(whole).size / 2));
    const { check, binary } = await fail(p);
    expect(check.detail).toBe("ephemerd_v0.0.1_linux_amd64.tar.gz: truncated at entry 'ephemerd' (gzip: unexpected end of file)");
    expect(binary).toBeNull();
  });

  it('a gzip that holds no tar', async () => {
    const p = path('tar.gz');
    writeFileSync(p, gzipSync(Buffer.alloc(2048, 'x')));
    const { check } = await fail(p);
    expect(check.detail).toMatch(/^ephemerd_v0\.0\.1_linux_amd64\.tar\.gz: the gzip stream holds no tar archive \(tar: Invalid tar header/);
  });

  it('a complete gzip around a truncated tar', async () => {
    const whole = await realArchive('linux/amd64');
    const p = path('tar.gz');
    writeFileSync(p, gzipSync(gunzipSync(readFileSync(whole)).subarray(0, 100_000)));
    const { check, binary } = await fail(p);
    expect(binary).toBeNull();
    expect(check.detail).toBe("ephemerd_v0.0.1_linux_amd64.tar.gz: truncated at entry 'ephemerd' (tar: Unexpected end of data)");
  });

  it('zip with a ../x entry', async () => {
    const p = path('zip');
    await writeZip(p, [{ name: '../x', data: Buffer.from('x') }, { name: 'ephemerd.exe', data: real('windows/amd64') }]);
    const { findings } = await fail(p, 'windows/amd64');
    expect(findings[0]).toEqual({ code: 'unsafe-entry', entry: '../x', message: "unsafe entry '../x': a `..` segment" });
  });

  it('zip with a backslash path and a drive letter', async () => {
    const p = path('zip');
    await writeZip(p, [{ name: '..\\evil.dll', data: Buffer.from('x') }, { name: 'C:/evil.dll', data: Buffer.from('x') }]);
    const { findings } = await fail(p, 'windows/amd64');
    expect(findings.filter((f) => f.code === 'unsafe-entry').map((f) => f.message)).toEqual([
      "unsafe entry '..\\evil.dll': a backslash in the name (a Windows path separator)",
      "unsafe entry 'C:/evil.dll': a Windows drive letter",
    ]);
  });

  it('tar with an absolute path /etc/x', async () => {
    const p = path('tar.gz');
    await writeTarGz(p, [{ name: 'ephemerd', mode: 0o755, data: real('linux/amd64') }, { name: '/etc/x', data: Buffer.from('x') }]);
    const { check } = await fail(p);
    expect(check.detail).toMatch(/^unsafe entry '\/etc\/x': an absolute path/);
  });

  it('tar with a symlink escaping to ../../etc/passwd', async () => {
    const p = path('tar.gz');
    await writeTarGz(p, [{ name: 'ephemerd', type: 'symlink', linkname: '../../etc/passwd' }]);
    const { findings } = await fail(p);
    expect(findings.map((f) => f.message)).toEqual([
      "unsafe entry 'ephemerd': a symlink to '../../etc/passwd', outside the archive",
      "'ephemerd' is a symlink entry to '../../etc/passwd', not the binary itself",
    ]);
  });

  it('zip bomb: 200 MB of zeros stops just past the 50 MB cap', async () => {
    const p = path('zip');
    await writeZip(p, [{ name: 'ephemerd.exe', data: zeros(200 * 1024 * 1024), level: 9 }]);
    expect(statSync(p).size).toBeLessThan(1_000_000);
    const result = await fail(p, 'windows/amd64');
    expect(result.findings[0]?.code).toBe('size-cap');
    expect(result.check.detail).toMatch(/^ephemerd_v0\.0\.1_windows_amd64\.zip: more than 50 MB once decompressed \(stopped at entry 'ephemerd\.exe' after 50\.\d MB\)/);
    // Stopped within a chunk of the cap, far from inflating all 200 MB.
    expect(result.extractedBytes).toBeGreaterThan(50_000_000);
    expect(result.extractedBytes).toBeLessThan(50_000_000 + 1024 * 1024);
  });

  it('tar.gz bomb stops at the cap the same way', async () => {
    const p = path('tar.gz');
    await writeTarGz(p, [{ name: 'ephemerd', mode: 0o755, data: Buffer.alloc(64 * 1024 * 1024) }]);
    const result = await fail(p);
    expect(result.findings[0]?.code).toBe('size-cap');
    expect(result.extractedBytes).toBeGreaterThan(50_000_000);
    expect(result.extractedBytes).toBeLessThan(50_000_000 + 1024 * 1024);
  });

  it('zip whose header lies about the size', async () => {
    const p = path('zip');
    await writeZip(p, [{ name: 'ephemerd.exe', data: real('windows/amd64'), declaredSize: 1000 }]);
    const { check } = await fail(p, 'windows/amd64');
    expect(check.detail).toMatch(/^ephemerd_v0\.0\.1_windows_amd64\.zip: corrupt at entry 'ephemerd\.exe' \(too many bytes in the stream/);
  });

  it('zip with a bad CRC', async () => {
    const p = path('zip');
    await writeZip(p, [{ name: 'ephemerd.exe', data: real('windows/amd64'), crc32: 0x12345678 }]);
    const { check } = await fail(p, 'windows/amd64');
    expect(check.detail).toMatch(/^ephemerd_v0\.0\.1_windows_amd64\.zip: CRC mismatch at entry 'ephemerd\.exe' \(CRC-32 is 0x[0-9a-f]{8}, the zip says 0x12345678\)$/);
  });

  it('corrupt zip: cut short, so no central directory', async () => {
    const whole = await realArchive('windows/amd64');
    const p = path('zip');
    writeFileSync(p, readFileSync(whole).subarray(0, statSync(whole).size / 2));
    const { check } = await fail(p, 'windows/amd64');
    expect(check.detail).toBe('ephemerd_v0.0.1_windows_amd64.zip: not a zip file (no end-of-central-directory record; cut short?)');
  });

  it('corrupt zip: damaged deflate data', async () => {
    const p = path('zip');
    await writeZip(p, [{ name: 'ephemerd.exe', data: real('windows/amd64') }]);
    const bytes = readFileSync(p);
    bytes.fill(0xff, 100_000, 100_400);
    writeFileSync(p, bytes);
    const { check } = await fail(p, 'windows/amd64');
    expect(check.detail).toMatch(/^ephemerd_v0\.0\.1_windows_amd64\.zip: (corrupt|CRC mismatch) at entry 'ephemerd\.exe' \(/);
  });

  it('two binaries', async () => {
    const p = path('tar.gz');
    const bin = real('linux/amd64');
    await writeTarGz(p, [{ name: 'ephemerd', mode: 0o755, data: bin }, { name: './ephemerd', mode: 0o755, data: bin }]);
    const { check } = await fail(p);
    expect(check.detail).toBe("2 entries named 'ephemerd': which one is the binary depends on the extractor");
  });

  it('a directory named ephemerd', async () => {
    const p = path('tar.gz');
    await writeTarGz(p, [{ name: 'ephemerd/', type: 'directory' }, { name: 'ephemerd/ephemerd', mode: 0o755, data: Buffer.from('x') }]);
    const { check } = await fail(p);
    expect(check.detail).toBe("'ephemerd' is a directory, not the binary itself");
  });

  it('missing binary', async () => {
    const p = path('tar.gz');
    await writeTarGz(p, [{ name: 'README.md', data: Buffer.from('hello') }]);
    const { check } = await fail(p);
    expect(check.detail).toBe("no 'ephemerd' in the archive (found 'README.md')");
  });

  it('more than one entry at the root', async () => {
    const p = path('tar.gz');
    await writeTarGz(p, [{ name: 'ephemerd', mode: 0o755, data: real('linux/amd64') }, { name: 'LICENSE', data: Buffer.from('MIT') }]);
    const result = await inspectArchive(p, input('linux/amd64'));
    expect(result.check.detail).toBe("2 entries at the archive root, expected only 'ephemerd': 'ephemerd', 'LICENSE'");
    expect(result.binary?.arch).toBe('amd64');
  });

  it('the zip CLI layout (Unix mode stored) passes and reports the mode', async () => {
    const dir = mkdtempSync(join(work, 'cli-'));
    writeFileSync(join(dir, 'ephemerd.exe'), real('windows/amd64'), { mode: 0o755 });
    const p = path('zip');
    execFileSync('zip', ['-q', '-X', p, 'ephemerd.exe'], { cwd: dir });
    const result = await inspectArchive(p, input('windows/amd64'));
    expect(result.check.status).toBe('pass');
    expect(result.binary?.executableBit).toBe(true);
  });

  it('throws SmokeError only when the file cannot be opened', async () => {
    await expect(inspectArchive(join(work, 'nope.tar.gz'), input('linux/amd64'))).rejects.toBeInstanceOf(SmokeError);
  });
});

describe('inspectArchiveStream', () => {
  const timeless = (i: Inspection) => ({ ...i, check: { ...i.check, durationMs: 0 } });

  it('finds from a stream what inspectArchive finds in the file, pass or fail', async () => {
    const good = await realArchive('linux/amd64');
    const wrongArch = await realArchive('linux/arm64', 'linux/amd64');
    for (const [p, platform] of [[good, 'linux/amd64'], [wrongArch, 'linux/arm64']] as const) {
      const streamed = await inspectArchiveStream(createReadStream(p), input(platform));
      expect(timeless(streamed)).toEqual(timeless(await inspectArchive(p, input(platform))));
    }
    expect((await inspectArchiveStream(createReadStream(good), input('linux/amd64'))).check.status).toBe('pass');
  });

  it('refuses a zip (it needs the whole file) yet reads the stream to its end', async () => {
    const p = await realArchive('windows/amd64');
    const source = createReadStream(p);
    await expect(inspectArchiveStream(source, input('windows/amd64'))).rejects.toThrow(/only a \.tar\.gz can be inspected while it streams/);
    await finished(source);
    expect(source.bytesRead).toBe(statSync(p).size);
  });
});
