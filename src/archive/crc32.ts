import zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, value?: number) => number;

// zlib.crc32 is native from Node 20.15; the table version keeps 20.11 (package engines) working.
const native = (zlib as { crc32?: Crc32 }).crc32;

let table: Uint32Array | undefined;
/** Exported for its test; use `crc32`. */
export function tableCrc32(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = (value ^ 0xffffffff) >>> 0;
  for (const byte of data) crc = (table[(crc ^ byte) & 0xff]! ^ (crc >>> 8)) >>> 0;
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 (zip's), continued from `value`. */
export const crc32: Crc32 = native ?? tableCrc32;
