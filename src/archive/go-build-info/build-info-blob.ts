/**
 * The bytes of Go's build-info blob (cmd/link writes it into `.go.buildinfo`, or the data of
 * PE and Mach-O files): a 16-byte-aligned header, then, since Go 1.18, two varint-prefixed
 * strings inline: the toolchain version and the module info between two 16-byte sentinels.
 */

/** `\xff Go buildinf:`: 14 bytes, at a 16-byte boundary of the file. */
export const BUILD_INFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
export const BUILD_INFO_ALIGN = 16;
export const BUILD_INFO_HEADER_BYTES = 32;
const FLAG_BIG_ENDIAN = 0x1;
export const FLAG_INLINE_STRINGS = 0x2;
export const MODINFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
export const MODINFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
/** Far above any real module list (thousands of deps are a few hundred KB): a bound for a corrupt length. */
export const MAX_BUILD_INFO_STRING_BYTES = 4 * 1024 * 1024;

export interface BuildInfoBlob {
  /** Where the magic starts in the file. */
  offset: number;
  pointerSize: number;
  bigEndian: boolean;
  /** e.g. `go1.26.1`. */
  goVersion: string;
  /** The module info text without its sentinels; empty for a binary built outside a module. */
  moduleInfo: string;
}

/** What the bytes after the magic say: a blob, more bytes needed, or why it is not a readable blob. */
export type BlobParse =
  | { kind: 'blob'; blob: BuildInfoBlob }
  | { kind: 'need'; bytes: number }
  | { kind: 'unreadable'; reason: string };

/** Reads an unsigned LEB128 varint; undefined when it runs past the buffer or past 2^53. */
function readUvarint(buf: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length && i < at + 8; i++) {
    const byte = buf[i]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, next: i + 1 };
    scale *= 128;
  }
  return undefined;
}

/**
 * Parses a blob that starts with the magic at `buf[0]`. Asks for more bytes while the strings
 * are incomplete, so a caller can feed it as a stream delivers them.
 */
export function parseBuildInfoBlob(buf: Buffer, offset: number): BlobParse {
  if (buf.length < BUILD_INFO_HEADER_BYTES) return { kind: 'need', bytes: BUILD_INFO_HEADER_BYTES };
  const pointerSize = buf[14]!;
  const flags = buf[15]!;
  if (pointerSize !== 4 && pointerSize !== 8) return { kind: 'unreadable', reason: `pointer size ${pointerSize} is neither 4 nor 8` };
  if ((flags & FLAG_INLINE_STRINGS) === 0) {
    return { kind: 'unreadable', reason: 'build info in the pointer form of Go before 1.18 (not read: the strings live elsewhere in the data)' };
  }
  const strings: string[] = [];
  let at = BUILD_INFO_HEADER_BYTES;
  for (const what of ['Go version', 'module info']) {
    const length = readUvarint(buf, at);
    if (length === undefined) return { kind: 'need', bytes: at + 10 };
    if (length.value > MAX_BUILD_INFO_STRING_BYTES) {
      return { kind: 'unreadable', reason: `${what} length ${length.value} is beyond ${MAX_BUILD_INFO_STRING_BYTES} bytes` };
    }
    const end = length.next + length.value;
    if (end > buf.length) return { kind: 'need', bytes: end };
    strings.push(buf.toString('latin1', length.next, end));
    at = end;
  }
  const [goVersion = '', rawModuleInfo = ''] = strings;
  const moduleInfo = stripSentinels(Buffer.from(rawModuleInfo, 'latin1'));
  if (moduleInfo === undefined) return { kind: 'unreadable', reason: 'module info without its 16-byte sentinels' };
  if (!/^go[0-9]|^devel /.test(goVersion)) return { kind: 'unreadable', reason: `Go version ${JSON.stringify(goVersion.slice(0, 40))} is not one` };
  return { kind: 'blob', blob: { offset, pointerSize, bigEndian: (flags & FLAG_BIG_ENDIAN) !== 0, goVersion, moduleInfo } };
}

function stripSentinels(raw: Buffer): string | undefined {
  if (raw.length === 0) return '';
  const framed = raw.length >= 32 && raw.subarray(0, 16).equals(MODINFO_START) && raw.subarray(-16).equals(MODINFO_END);
  return framed ? raw.toString('utf8', 16, raw.length - 16) : undefined;
}
