import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecksums } from '../../../src/release/parse-checksums.ts';
import { inspectArchive } from '../../../src/stages/inspect-archive.ts';
import { buildFixtureRelease, type FixtureRelease } from '../../../src/sandbox/stand-in/release.ts';

const tag = 'v1.2.3';
const behaviour = { version: tag, variant: 'good' } as const;
let dir: string;
let release: FixtureRelease;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stand-in-release-'));
  release = await buildFixtureRelease({
    dir,
    tag,
    platforms: [
      { platform: 'linux/amd64', behaviour, sizeBytes: 2 * 1024 * 1024 },
      { platform: 'linux/arm64', behaviour, sizeBytes: 2 * 1024 * 1024 },
      { platform: 'windows/amd64', behaviour, sizeBytes: 3 * 1024 * 1024, padding: 'random' },
      { platform: 'darwin/arm64', behaviour: { version: tag, variant: 'empty-kernel-exit' } },
    ],
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('buildFixtureRelease', () => {
  it('names the archives as the release pipeline does', () => {
    expect(release.assets.map((a) => a.name)).toEqual([
      'ephemerd_v1.2.3_linux_amd64.tar.gz',
      'ephemerd_v1.2.3_linux_arm64.tar.gz',
      'ephemerd_v1.2.3_windows_amd64.zip',
      'ephemerd_v1.2.3_darwin_arm64.tar.gz',
    ]);
  });

  it('writes tarballs with one root file `ephemerd`, mode 0755, as tar lists them', () => {
    const listing = execFileSync('tar', ['-tzvf', join(dir, 'ephemerd_v1.2.3_linux_amd64.tar.gz')], { encoding: 'utf8' });
    expect(listing.trim().split('\n')).toHaveLength(1);
    expect(listing).toMatch(/^-rwxr-xr-x root\/root\s+2097152 \S+ \S+ ephemerd\n$/);
  });

  it('writes a Compress-Archive-style zip: one deflated `ephemerd.exe`, no directory, no Unix mode', () => {
    const zip = join(dir, 'ephemerd_v1.2.3_windows_amd64.zip');
    const listing = execFileSync('python3', ['-m', 'zipfile', '-l', zip], { encoding: 'utf8' });
    expect(listing).toMatch(/^File Name\s+Modified\s+Size\nephemerd\.exe\s+2025-01-01 00:00:00\s+3145728\n$/);
    const info = execFileSync('unzip', ['-Z', zip], { encoding: 'utf8' });
    expect(info).toMatch(/^-rw[x-]a--\s+2\.0 fat\s+3145728 b- defN .* ephemerd\.exe$/m);
    execFileSync('unzip', ['-tq', zip]); // CRC checked by Info-ZIP: throws on a mismatch
  });

  it('writes checksums.txt in GNU format that sha256sum -c verifies', async () => {
    const text = await readFile(release.checksumsPath, 'utf8');
    for (const line of text.trimEnd().split('\n')) expect(line).toMatch(/^[0-9a-f]{64} {2}ephemerd_v1\.2\.3_\S+$/);
    const out = execFileSync('sha256sum', ['-c', 'checksums.txt'], { cwd: dir, encoding: 'utf8' });
    expect(out.trim().split('\n')).toHaveLength(4);
    const parsed = parseChecksums(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((e) => e.name).sort()).toEqual(release.assets.map((a) => a.name).sort());
    for (const asset of release.assets) expect(text).toContain(`${asset.sha256}  ${asset.name}\n`);
  });

  it('makes archives that pass the pre-flight inspection for their platform', async () => {
    for (const asset of release.assets) {
      const inspection = await inspectArchive(asset.path, {
        assetName: asset.name,
        platform: asset.platform,
        binaryName: 'ephemerd',
        minBinaryBytes: 512,
        maxExtractedBytes: 64 * 1024 * 1024,
      });
      expect(inspection.check, asset.name).toMatchObject({ status: 'pass' });
    }
  });

  it('is reproducible: the same fixture twice has the same checksums', async () => {
    const again = await buildFixtureRelease({ dir: join(dir, 'again'), tag, platforms: [{ platform: 'windows/amd64', behaviour, sizeBytes: 3 * 1024 * 1024, padding: 'random' }] });
    expect(again.assets[0]!.sha256).toBe(release.assets[2]!.sha256);
  });
});
