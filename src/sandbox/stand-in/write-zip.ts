import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createDeflateRaw } from 'node:zlib';
import { crc32 } from '../../archive/crc32.ts';
import { SmokeError } from '../../domain/errors.ts';
import type { StandInContent } from './binary.ts';

const DOS_ARCHIVE = 0x20;
const LOCAL_HEADER = 30;
// Compress-Archive (.NET ZipArchive) writes version 2.0 "made by" MS-DOS: no Unix mode at all.
const VERSION = 20;

/**
 * A zip holding one deflated file at its root, laid out as PowerShell's Compress-Archive writes
 * it on a seekable file: no directory entry, no Unix mode, sizes and CRC in the local header
 * (written after the data, by seeking back), no data descriptor. Streams any size below 4 GiB.
 */
export async function writeSingleFileZip(path: string, entryName: string, content: StandInContent, mtime: Date): Promise<void> {
  if (content.size > 0xffffffff) throw new SmokeError(`stand-in zip ${path}: ${content.size} bytes needs zip64, which this writer does not write`);
  const name = Buffer.from(entryName, 'utf8');
  const file = await open(path, 'w');
  try {
    const dataStart = LOCAL_HEADER + name.length;
    let position = dataStart;
    let crc = 0;
    const source = Readable.from(
      (function* () {
        for (const chunk of content.chunks()) {
          crc = crc32(chunk, crc);
          yield chunk;
        }
      })(),
    );
    for await (const compressed of source.pipe(createDeflateRaw({ level: content.compressionLevel, chunkSize: 256 * 1024 })) as AsyncIterable<Buffer>) {
      await file.write(compressed, 0, compressed.length, position);
      position += compressed.length;
    }
    const compressedSize = position - dataStart;
    const fields = headerFields({ crc, compressedSize, size: content.size, mtime, nameLength: name.length });
    const local = Buffer.alloc(LOCAL_HEADER);
    local.writeUInt32LE(0x04034b50, 0);
    fields.copy(local, 4);
    await file.write(Buffer.concat([local, name]), 0, local.length + name.length, 0);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION, 4); // made by: MS-DOS
    fields.copy(central, 6);
    central.writeUInt32LE(DOS_ARCHIVE, 38);
    central.writeUInt32LE(0, 42); // local header offset
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(central.length + name.length, 12);
    end.writeUInt32LE(position, 16);
    const tail = Buffer.concat([central, name, end]);
    await file.write(tail, 0, tail.length, position);
  } finally {
    await file.close();
  }
}

/** The 26 bytes shared by the local header (after its signature) and the central entry (after "made by"). */
function headerFields(f: { crc: number; compressedSize: number; size: number; mtime: Date; nameLength: number }): Buffer {
  const b = Buffer.alloc(26);
  b.writeUInt16LE(VERSION, 0); // version needed
  b.writeUInt16LE(0, 2); // flags: no data descriptor, no UTF-8 marker (ASCII names)
  b.writeUInt16LE(8, 4); // deflate
  const t = f.mtime;
  b.writeUInt16LE((t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | (t.getUTCSeconds() >> 1), 6);
  b.writeUInt16LE((Math.max(t.getUTCFullYear() - 1980, 0) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate(), 8);
  b.writeUInt32LE(f.crc >>> 0, 10);
  b.writeUInt32LE(f.compressedSize, 14);
  b.writeUInt32LE(f.size, 18);
  b.writeUInt16LE(f.nameLength, 22);
  b.writeUInt16LE(0, 24); // extra length
  return b;
}
