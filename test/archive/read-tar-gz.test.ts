import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanTarGz, scanTarGzStream } from '../../src/archive/read-tar-gz.ts';
import { writeTarGz } from '../support/write-tar-gz.ts';
import { scanOptions } from '../support/scan-options.ts';

const work = mkdtempSync(join(tmpdir(), 'smoke-read-tar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const options = scanOptions;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

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
      { name: 'bin', type: 'file', size: 100_000, mode: 0o755, head: Buffer.alloc(16, 7), sha256: sha256(Buffer.alloc(100_000, 7)) },
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

/** A source handing out `data` in 64 KiB chunks, counting how many bytes were taken from it. */
function counted(data: Buffer): { source: Readable; taken: () => number } {
  let taken = 0;
  function* chunks(): Generator<Buffer> {
    for (let at = 0; at < data.length; at += 65536) {
      const chunk = data.subarray(at, at + 65536);
      taken += chunk.length;
      yield chunk;
    }
  }
  return { source: Readable.from(chunks()), taken: () => taken };
}

describe('scanTarGzStream', () => {
  it('lists a stream exactly as scanTarGz lists the file', async () => {
    const p = join(work, 'stream.tar.gz');
    await writeTarGz(p, [
      { name: 'bin', mode: 0o755, data: randomBytes(300_000) },
      { name: 'dir/', type: 'directory' },
      { name: 'sym', type: 'symlink', linkname: 'bin' },
    ]);
    const fromFile = await scanTarGz(p, options());
    const fromStream = await scanTarGzStream(counted(readFileSync(p)).source, options());
    expect(fromStream).toEqual(fromFile);
    expect(fromStream.entries.map((e) => e.name)).toEqual(['bin', 'dir/', 'sym']);
  });

  it('after a size-cap stop, still reads its input to the end so a download is never held up', async () => {
    const p = join(work, 'big.tar.gz');
    await writeTarGz(p, [{ name: 'bin', data: randomBytes(2_000_000) }]);
    const bytes = readFileSync(p);
    const { source, taken } = counted(bytes);
    const scan = await scanTarGzStream(source, options({ maxExtractedBytes: 100_000 }));
    expect(scan.stop).toMatchObject({ kind: 'size-cap', entry: 'bin', cap: 100_000 });
    await finished(source);
    expect(taken()).toBe(bytes.length);
  });

  it('after a not-gzip stop, still drains its input', async () => {
    const data = randomBytes(1_000_000);
    const { source, taken } = counted(data);
    const scan = await scanTarGzStream(source, options());
    expect(scan.stop).toMatchObject({ kind: 'broken', what: 'not-gzip' });
    await finished(source);
    expect(taken()).toBe(data.length);
  });

  it('stops with a read error when its source is destroyed with one (a cut download)', async () => {
    const p = join(work, 'cut.tar.gz');
    await writeTarGz(p, [{ name: 'bin', data: randomBytes(500_000) }]);
    const source = new PassThrough();
    const scanning = scanTarGzStream(source, options());
    source.write(readFileSync(p).subarray(0, 100_000));
    source.destroy(new Error('download cut after 100000 bytes'));
    const scan = await scanning;
    expect(scan.stop).toMatchObject({ kind: 'broken', what: 'corrupt', cause: 'read: download cut after 100000 bytes' });
  });

  it('stops as truncated when its source closes early without an error', async () => {
    const source = new PassThrough();
    const scanning = scanTarGzStream(source, options());
    source.destroy();
    expect((await scanning).stop).toMatchObject({ kind: 'broken', what: 'truncated' });
  });

  it('sees a stream that ends mid-archive as truncated, as it does a truncated file', async () => {
    const p = join(work, 'half.tar.gz');
    await writeTarGz(p, [{ name: 'bin', data: randomBytes(500_000) }]);
    const half = readFileSync(p).subarray(0, 200_000);
    const scan = await scanTarGzStream(Readable.from([half]), options());
    expect(scan.stop).toMatchObject({ kind: 'broken', what: 'truncated', entry: 'bin' });
  });

  it('stops at a PAX global header, which GNU tar applies to every later entry and tar-stream ignores', async () => {
    const p = join(work, 'global.tar.gz');
    await writeTarGz(p, [{ name: 'bin', mode: 0o755, data: Buffer.from('a') }, { paxGlobal: { path: 'bin' } }, { name: 'other', data: Buffer.from('b') }]);
    const scan = await scanTarGz(p, options());
    expect(scan.stop).toMatchObject({ kind: 'broken', what: 'unsupported', entry: 'other' });
    expect(scan.stop?.kind === 'broken' && scan.stop.cause).toMatch(/PAX global header \(path\)/);
  });
});
