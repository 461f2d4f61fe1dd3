import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';

export interface TarEntrySpec {
  name: string;
  type?: Header['type'];
  mode?: number;
  linkname?: string;
  data?: Buffer;
  /** Records for a local PAX header before this entry (tar-stream also writes `path=` there). */
  pax?: Record<string, string>;
}

/** A PAX global header (typeflag `g`) before the entries that follow it in `writeTarGz`'s list. */
export interface PaxGlobalSpec {
  paxGlobal: Record<string, string>;
}

/** The name a global header is written under, then found by to get its typeflag. */
const GLOBAL_NAME = 'pax_global_header';

/** Writes a .tar.gz for tests with tar-stream's pack, entries exactly as given (unsafe ones too). */
export async function writeTarGz(path: string, entries: Array<TarEntrySpec | PaxGlobalSpec>): Promise<void> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const spec of entries) {
    // tar-stream's pack writes no global header: one goes in as a file, its typeflag set after.
    const isGlobal = 'paxGlobal' in spec;
    const type = isGlobal ? 'file' : spec.type ?? 'file';
    const header = isGlobal
      ? { name: GLOBAL_NAME, type, mode: 0o644, mtime: new Date(0) }
      : {
          name: spec.name,
          type,
          mode: spec.mode ?? (type === 'directory' ? 0o755 : 0o644),
          mtime: new Date(0),
          ...(spec.linkname === undefined ? {} : { linkname: spec.linkname }),
          ...(spec.pax === undefined ? {} : { pax: spec.pax }),
        };
    const data = isGlobal ? paxRecords(spec.paxGlobal) : spec.data ?? Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      pack.entry(header, data, (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await ended;
  const bytes = Buffer.concat(chunks);
  markGlobalHeaders(bytes);
  // Level 1: tests pack real 10 MB binaries many times; the ratio does not matter.
  await writeFile(path, gzipSync(bytes, { level: 1 }));
}

/** Turns each header block named GLOBAL_NAME into a global PAX header (`g`), checksum and all. */
function markGlobalHeaders(bytes: Buffer): void {
  for (let at = 0; at + 512 <= bytes.length; at += 512) {
    const block = bytes.subarray(at, at + 512);
    if (block.toString('latin1', 0, GLOBAL_NAME.length + 1) !== `${GLOBAL_NAME}\0` || block[156] !== 0x30) continue;
    block[156] = 'g'.charCodeAt(0);
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of block) sum += byte;
    block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  }
}

/** `<length> key=value\n` records, each length counting itself. */
function paxRecords(records: Record<string, string>): Buffer {
  const text = Object.entries(records)
    .map(([key, value]) => {
      const rest = ` ${key}=${value}\n`;
      let length = Buffer.byteLength(rest);
      while (String(length).length + Buffer.byteLength(rest) !== length) length = String(length).length + Buffer.byteLength(rest);
      return `${length}${rest}`;
    })
    .join('');
  return Buffer.from(text, 'utf8');
}
