import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

/**
 * A tiny zip writer for tests: archives the `zip` CLI cannot make (no Unix mode, as PowerShell's
 * Compress-Archive writes them; lying CRCs or sizes; 200 MB of zeros without a 200 MB file).
 */
export interface ZipEntrySpec {
  name: string;
  /** Content; a generator keeps large inputs out of memory (only the compressed form is held). */
  data?: Buffer | Iterable<Buffer>;
  method?: 'deflate' | 'store';
  /** Deflate level; 1 by default, as tests pack 10 MB binaries many times. */
  level?: number;
  /** Unix mode with type bits; absent: written as Windows does, "made by" MS-DOS with DOS attributes. */
  unixMode?: number;
  /** Recorded CRC-32 instead of the real one. */
  crc32?: number;
  /** Recorded uncompressed size instead of the real one. */
  declaredSize?: number;
  /** Sizes and CRC after the data (flag bit 3), zeros in the local header: as Go's archive/zip writes. */
  dataDescriptor?: boolean;
  /** An Info-ZIP Unicode Path extra field (0x7075) naming the entry this, in both headers. */
  unicodePath?: string;
}

/** The 0x7075 field: version 1, the CRC-32 of the stored name (readers check it), the UTF-8 name. */
function unicodePathField(storedName: Buffer, path: string): Buffer {
  const utf8 = Buffer.from(path, 'utf8');
  const field = Buffer.alloc(4 + 5 + utf8.length);
  field.writeUInt16LE(0x7075, 0);
  field.writeUInt16LE(5 + utf8.length, 2);
  field.writeUInt8(1, 4);
  field.writeUInt32LE(zlib.crc32(storedName) >>> 0, 5);
  utf8.copy(field, 9);
  return field;
}

const DOS_ARCHIVE = 0x20;
const DOS_DIRECTORY = 0x10;

async function compress(spec: ZipEntrySpec): Promise<{ data: Buffer; crc: number; size: number }> {
  let crc = 0;
  let size = 0;
  const source = spec.data === undefined ? [] : Buffer.isBuffer(spec.data) ? [spec.data] : spec.data;
  const counted = (function* () {
    for (const chunk of source) {
      crc = zlib.crc32(chunk, crc);
      size += chunk.length;
      yield chunk;
    }
  })();
  if (spec.method === 'store') {
    const data = Buffer.concat([...counted]);
    return { data, crc, size };
  }
  const out: Buffer[] = [];
  await pipeline(Readable.from(counted), zlib.createDeflateRaw({ level: spec.level ?? 1 }), async (compressed: AsyncIterable<Buffer>) => {
    for await (const chunk of compressed) out.push(chunk);
  });
  return { data: Buffer.concat(out), crc, size };
}

export async function writeZip(path: string, entries: ZipEntrySpec[]): Promise<void> {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const spec of entries) {
    const { data, crc, size } = await compress(spec);
    const name = Buffer.from(spec.name, 'utf8');
    const extra = spec.unicodePath === undefined ? Buffer.alloc(0) : unicodePathField(name, spec.unicodePath);
    const method = spec.method === 'store' ? 0 : 8;
    const recordedCrc = spec.crc32 ?? crc;
    const recordedSize = spec.declaredSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(spec.dataDescriptor ? 0x808 : 0x800, 6); // UTF-8 names, and bit 3: a data descriptor
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x5a21, 12); // 2025-01-01
    local.writeUInt32LE(recordedCrc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(recordedSize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);

    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(spec.unixMode === undefined ? 20 : (3 << 8) | 30, 4);
    local.copy(cd, 6, 4, 30); // version needed .. extra length share the local header's layout
    cd.writeUInt16LE(0, 32); // comment length
    cd.writeUInt16LE(0, 34); // disk
    cd.writeUInt16LE(0, 36); // internal attributes
    const dosAttrs = spec.name.endsWith('/') ? DOS_DIRECTORY : DOS_ARCHIVE;
    cd.writeUInt32LE(spec.unixMode === undefined ? dosAttrs : (spec.unixMode << 16) >>> 0, 38);
    cd.writeUInt32LE(offset, 42);

    let descriptor = Buffer.alloc(0);
    if (spec.dataDescriptor) {
      descriptor = Buffer.alloc(16);
      descriptor.writeUInt32LE(0x08074b50, 0);
      local.copy(descriptor, 4, 14, 26);
      local.fill(0, 14, 26);
    }
    parts.push(local, name, extra, data, descriptor);
    central.push(cd, name, extra);
    offset += local.length + name.length + extra.length + data.length + descriptor.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  await writeFile(path, Buffer.concat([...parts, ...central, end]));
}

/** `total` zero bytes in 1 MiB chunks, never all in memory. */
export function* zeros(total: number): Generator<Buffer> {
  const chunk = Buffer.alloc(1024 * 1024);
  for (let left = total; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
}
