import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanZip } from '../../src/archive/read-zip.ts';
import { writeZip, zeros } from '../support/write-zip.ts';
import { scanOptions } from '../support/scan-options.ts';

const work = mkdtempSync(join(tmpdir(), 'smoke-read-zip-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const options = scanOptions;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('scanZip', () => {
  it('a Compress-Archive zip: no Unix mode, folders by trailing slash', async () => {
    const p = join(work, 'ps.zip');
    await writeZip(p, [{ name: 'bin', data: Buffer.alloc(1000, 1) }, { name: 'dir/' }]);
    const scan = await scanZip(p, options());
    expect(scan.stop).toBeNull();
    expect(scan.entries).toEqual([
      { name: 'bin', type: 'file', size: 1000, head: Buffer.alloc(16, 1), sha256: sha256(Buffer.alloc(1000, 1)) },
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
      { name: 'bin', type: 'file', size: 1, mode: 0o100755, head: Buffer.from('x'), sha256: sha256(Buffer.from('x')) },
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

  it('holds the inflated bytes to the declared size and CRC, both ways', async () => {
    const data = Buffer.alloc(5000, 7);
    const cases = [
      { name: 'small.zip', spec: { declaredSize: 4000 }, stop: { what: 'corrupt', cause: 'too many bytes in the stream. expected 4000. got at least 5000' } },
      { name: 'large.zip', spec: { declaredSize: 6000 }, stop: { what: 'truncated', cause: 'not enough bytes in the stream. expected 6000. got only 5000' } },
      { name: 'crc.zip', spec: { crc32: 0x1234 }, stop: { what: 'bad-crc' } },
    ];
    for (const c of cases) {
      const p = join(work, c.name);
      await writeZip(p, [{ name: 'bin', data, ...c.spec }]);
      expect((await scanZip(p, options())).stop, c.name).toMatchObject({ kind: 'broken', entry: 'bin', ...c.stop });
    }
  });

  it('reads a large stored and a large deflated entry whole, in big reads', async () => {
    const p = join(work, 'big.zip');
    const random = randomBytes(3 * 1024 * 1024);
    await writeZip(p, [{ name: 'bin', data: random, method: 'store' }, { name: 'other', data: random }]);
    const scan = await scanZip(p, options({ maxExtractedBytes: 100_000_000 }));
    expect(scan.stop).toBeNull();
    expect(scan.entries.map((e) => e.size)).toEqual([random.length, random.length]);
    expect(scan.entries[0]!.head).toEqual(random.subarray(0, 16));
  });

  it('a zip cut inside its data is broken, not a crash', async () => {
    const p = join(work, 'cut.zip');
    await writeZip(p, [{ name: 'bin', data: randomBytes(200_000) }]);
    const whole = readFileSync(p);
    // Keep the central directory (yauzl needs it) but zero part of the entry's deflate stream.
    whole.fill(0, 1000, 60_000);
    writeFileSync(p, whole);
    const scan = await scanZip(p, options());
    expect(scan.stop).toMatchObject({ kind: 'broken', entry: 'bin' });
  });

  it('keeps the stored name and the Unicode Path field\'s name when they differ (readers disagree)', async () => {
    const p = join(work, 'unicode.zip');
    await writeZip(p, [
      { name: 'bin', data: Buffer.from('x'), unicodePath: 'other' },
      { name: 'same', data: Buffer.from('y'), unicodePath: 'same' },
    ]);
    const scan = await scanZip(p, options());
    expect(scan.entries.map((e) => [e.name, e.otherName])).toEqual([['bin', 'other'], ['same', undefined]]);
  });
});
