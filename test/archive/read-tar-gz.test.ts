import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanOptions } from '../../src/archive/archive-entry.ts';
import { scanTarGz } from '../../src/archive/read-tar-gz.ts';
import { writeTarGz } from '../support/write-tar-gz.ts';

const work = mkdtempSync(join(tmpdir(), 'smoke-read-tar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const options = (over: Partial<ScanOptions> = {}): ScanOptions => ({
  maxExtractedBytes: 10_000_000,
  headBytes: 16,
  wantHead: (name) => name === 'bin',
  maxEntries: 100,
  ...over,
});

describe('scanTarGz', () => {
  it('lists every entry type, keeps only the wanted head, and counts real sizes', async () => {
    const p = join(work, 'types.tar.gz');
    await writeTarGz(p, [
      { name: 'bin', mode: 0o755, data: Buffer.alloc(100_000, 7) },
      { name: 'other', data: Buffer.from('hello') },
      { name: 'dir/', type: 'directory' },
      { name: 'sym', type: 'symlink', linkname: 'bin' },
      { name: 'hard', type: 'link', linkname: 'bin' },
      { name: 'dev', type: 'character-device' },
      { name: 'pipe', type: 'fifo' },
    ]);
    const scan = await scanTarGz(p, options());
    expect(scan.stop).toBeNull();
    expect(scan.entries).toEqual([
      { name: 'bin', type: 'file', size: 100_000, mode: 0o755, head: Buffer.alloc(16, 7) },
      { name: 'other', type: 'file', size: 5, mode: 0o644 },
      { name: 'dir/', type: 'directory', size: 0, mode: 0o755 },
      { name: 'sym', type: 'symlink', size: 0, mode: 0o644, linkTarget: 'bin' },
      { name: 'hard', type: 'hardlink', size: 0, mode: 0o644, linkTarget: 'bin' },
      { name: 'dev', type: 'device', size: 0, mode: 0o644 },
      { name: 'pipe', type: 'fifo', size: 0, mode: 0o644 },
    ]);
    expect(scan.extractedBytes).toBeGreaterThan(100_005);
  });

  it('stops listing an entry flood', async () => {
    const p = join(work, 'flood.tar.gz');
    await writeTarGz(p, Array.from({ length: 20 }, (_, i) => ({ name: `f${i}` })));
    const scan = await scanTarGz(p, options({ maxEntries: 5 }));
    expect(scan.stop).toEqual({ kind: 'too-many-entries', count: 6 });
    expect(scan.entries).toHaveLength(5);
  });
});
