import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanOptions } from '../../src/archive/archive-entry.ts';
import { scanZip } from '../../src/archive/read-zip.ts';
import { writeZip, zeros } from '../support/write-zip.ts';

const work = mkdtempSync(join(tmpdir(), 'smoke-read-zip-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const options = (over: Partial<ScanOptions> = {}): ScanOptions => ({
  maxExtractedBytes: 10_000_000,
  headBytes: 16,
  wantHead: (name) => name === 'bin',
  maxEntries: 100,
  ...over,
});

describe('scanZip', () => {
  it('a Compress-Archive zip: no Unix mode, folders by trailing slash', async () => {
    const p = join(work, 'ps.zip');
    await writeZip(p, [{ name: 'bin', data: Buffer.alloc(1000, 1) }, { name: 'dir/' }]);
    const scan = await scanZip(p, options());
    expect(scan.stop).toBeNull();
    expect(scan.entries).toEqual([
      { name: 'bin', type: 'file', size: 1000, head: Buffer.alloc(16, 1) },
      { name: 'dir/', type: 'directory', size: 0 },
    ]);
  });

  it('reads Unix modes, symlink targets, and names exactly as stored', async () => {
    const p = join(work, 'unix.zip');
    await writeZip(p, [
      { name: 'bin', data: Buffer.from('x'), unixMode: 0o100755, method: 'store' },
      { name: 'link', data: Buffer.from('../../etc/passwd'), unixMode: 0o120777 },
      { name: 'a\\b', data: Buffer.from('y') },
    ]);
    const scan = await scanZip(p, options());
    expect(scan.entries).toEqual([
      { name: 'bin', type: 'file', size: 1, mode: 0o100755, head: Buffer.from('x') },
      { name: 'link', type: 'symlink', size: 16, mode: 0o120777, linkTarget: '../../etc/passwd' },
      { name: 'a\\b', type: 'file', size: 1 },
    ]);
  });

  it('counts inflated bytes, not declared ones, across entries', async () => {
    const p = join(work, 'two.zip');
    await writeZip(p, [{ name: 'a', data: zeros(6_000_000) }, { name: 'b', data: zeros(6_000_000) }]);
    const scan = await scanZip(p, options());
    expect(scan.stop).toMatchObject({ kind: 'size-cap', entry: 'b', cap: 10_000_000 });
    expect(scan.extractedBytes).toBeGreaterThan(10_000_000);
    expect(scan.extractedBytes).toBeLessThan(11_000_000);
  });
});
