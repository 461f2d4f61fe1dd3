import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanBinary, type BinaryEvidence } from '../../src/archive/binary-scanner.ts';
import { judgeBuildInfo } from '../../src/archive/go-build-info/judge-build-info.ts';
import { judgeCodeSignature } from '../../src/archive/code-signature/judge-code-signature.ts';
import { DEFAULT_RELEASE } from '../../src/config/defaults.ts';
import { signMachO } from '../support/sign-macho.ts';
import { TEST_BINARIES } from '../support/test-binaries.ts';
import { writeTarGz } from '../support/write-tar-gz.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoke-binary-scan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Scans the one entry of a .tar.gz as it is decompressed, as the archive check reads it. */
async function scanTarEntry(path: string): Promise<BinaryEvidence> {
  const extract = tar.extract();
  createReadStream(path).pipe(createGunzip()).pipe(extract);
  for await (const entry of extract) return await scanBinary(entry as AsyncIterable<Buffer>);
  throw new Error('empty archive');
}

describe('scanBinary straight from an archive entry', () => {
  it('reads the build info and verifies the signature of a signed darwin binary inside a tar.gz', async () => {
    const real = await readFile(TEST_BINARIES.find((b) => b.platform === 'darwin/arm64')!.file);
    const archive = join(dir, 'ephemerd_v0.2.4_darwin_arm64.tar.gz');
    await writeTarGz(archive, [{ name: 'ephemerd', mode: 0o755, data: signMachO(real, { entitlements: ['com.apple.security.virtualization'] }) }]);
    const evidence = await scanTarEntry(archive);
    const build = judgeBuildInfo(evidence.buildInfo, { platform: 'darwin/arm64', tag: 'v0.2.4', commit: null, rules: DEFAULT_RELEASE });
    expect(build.facts.go).toBe('go1.23.12');
    expect(build.detail[0]).toMatch(/^no version stamp/);
    const signature = judgeCodeSignature(evidence.signature, DEFAULT_RELEASE.entitlements);
    expect(signature.status).toBe('pass');
    expect(signature.facts.entitlements).toBe('com.apple.security.virtualization');
  });

  it('skips the signature of a Linux binary and still reads its build info', async () => {
    const evidence = await scanBinary(createReadStream(TEST_BINARIES[0]!.file));
    expect(evidence.signature).toEqual({ kind: 'not-macho' });
    expect(evidence.buildInfo.found).toBe(true);
  });
});
