import { createReadStream } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import type { ArchiveEntry, ScanOptions, ScanResult, ScanStop } from './archive-entry.ts';
import { errorText } from '../domain/errors.ts';
import { crc32 } from './crc32.ts';
import { EntrySink, ExtractBudget } from './entry-sink.ts';
import { zipEntryKind } from './zip-entry-kind.ts';

/** A zip symlink's target is its content; longer than this is not a path. */
const MAX_LINK_TARGET = 4096;
/**
 * Read size for an entry's bytes (yauzl's own stream reads 16 KiB at a time: 0.2 s of waiting on
 * 50 MiB); the inflater hands out a quarter of it at a time, not zlib's default 16 KiB.
 */
const READ_CHUNK = 1 << 20;

/**
 * Lists a zip from disk, inflating every file to count its real size and check its CRC
 * (yauzl checks neither against a lying header). Never throws for bad content.
 */
export async function scanZip(path: string, options: ScanOptions): Promise<ScanResult> {
  let zip: ZipFile;
  try {
    // decodeStrings off: yauzl would reject `../x` itself; the entry rules must see and name it.
    zip = await yauzl.openPromise(path, {
      lazyEntries: true,
      validateEntrySizes: true,
      decodeStrings: false,
      autoClose: false,
    });
  } catch (err) {
    const text = errorText(err);
    // yauzl's wording is two sentences; keep the detail one short line.
    const cause = /end of central directory record signature not found/i.test(text) ? 'no end-of-central-directory record; cut short?' : text;
    return { entries: [], extractedBytes: 0, stop: { kind: 'broken', what: 'not-zip', entry: null, cause } };
  }
  try {
    return await walk(path, zip, options);
  } finally {
    zip.close();
  }
}

function walk(path: string, zip: ZipFile, options: ScanOptions): Promise<ScanResult> {
  const entries: ArchiveEntry[] = [];
  const budget = new ExtractBudget(options.maxExtractedBytes);
  return new Promise((resolve) => {
    let settled = false;
    let current: string | null = null;
    const finish = (stop: ScanStop | null): void => {
      if (settled) return;
      settled = true;
      resolve({ entries, extractedBytes: budget.total, stop });
    };
    zip.on('error', (err: Error) => finish({ kind: 'broken', what: 'corrupt', entry: current, cause: `zip: ${err.message}` }));
    zip.on('end', () => finish(null));
    zip.on('entry', (raw: Entry) => {
      if (entries.length >= options.maxEntries) return finish({ kind: 'too-many-entries', count: entries.length + 1 });
      // The stored name is what the host's extractor writes; yauzl prefers an Info-ZIP Unicode
      // Path field (0x7075), as Info-ZIP's unzip does. Both are kept when they differ.
      const name = yauzl.getFileNameLowLevel(raw.generalPurposeBitFlag, raw.fileNameRaw, [], true);
      const unicodeName = yauzl.getFileNameLowLevel(raw.generalPurposeBitFlag, raw.fileNameRaw, raw.extraFields, true);
      current = name;
      const entry: ArchiveEntry = { name, ...zipEntryKind({ ...raw, name }), size: raw.uncompressedSize };
      if (unicodeName !== name) entry.otherName = unicodeName;
      entries.push(entry);
      readContent(path, zip, raw, entry, budget, options).then(
        (stop) => {
          if (stop) finish(stop);
          else if (!settled) zip.readEntry();
        },
        (err: unknown) => finish(streamStop(err, name)),
      );
    });
    zip.readEntry();
  });
}

async function readContent(
  path: string,
  zip: ZipFile,
  raw: Entry,
  entry: ArchiveEntry,
  budget: ExtractBudget,
  options: ScanOptions,
): Promise<ScanStop | null> {
  if (entry.type !== 'file' && entry.type !== 'symlink') return null;
  if (raw.isEncrypted() || !raw.canDecodeFileData()) {
    const why = raw.isEncrypted() ? 'encrypted' : `compression method ${raw.compressionMethod}`;
    return { kind: 'broken', what: 'unsupported', entry: entry.name, cause: why };
  }
  const wanted = entry.type === 'file' && options.wantHead(entry.name);
  const keep = entry.type === 'symlink' ? MAX_LINK_TARGET : wanted ? options.headBytes : 0;
  const sink = new EntrySink(keep, { hash: wanted });
  let crc = 0;
  const stream = await entryBytes(path, zip, raw);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (!budget.spend(chunk.length)) {
      stream.destroy();
      return { kind: 'size-cap', entry: entry.name, bytes: budget.total, cap: budget.cap };
    }
    sink.push(chunk);
    crc = crc32(chunk, crc);
    if (sink.bytes > raw.uncompressedSize) {
      stream.destroy();
      return streamStop(new Error(`too many bytes in the stream. expected ${raw.uncompressedSize}. got at least ${sink.bytes}`), entry.name);
    }
  }
  if (sink.bytes < raw.uncompressedSize) {
    return streamStop(new Error(`not enough bytes in the stream. expected ${raw.uncompressedSize}. got only ${sink.bytes}`), entry.name);
  }
  entry.size = sink.bytes;
  if (entry.type === 'symlink') entry.linkTarget = sink.head().toString('utf8');
  else if (wanted) {
    entry.head = sink.head();
    entry.sha256 = sink.sha256();
  }
  if (crc !== raw.crc32) {
    return { kind: 'broken', what: 'bad-crc', entry: entry.name, cause: `CRC-32 is ${hex(crc)}, the zip says ${hex(raw.crc32)}` };
  }
  return null;
}

/** An entry's uncompressed bytes, read from the file in large chunks; the sizes are checked by the caller. */
async function entryBytes(path: string, zip: ZipFile, raw: Entry): Promise<Readable> {
  const { fileDataStart } = await zip.readLocalFileHeaderPromise(raw, { minimal: true });
  const compressed =
    raw.compressedSize === 0
      ? Readable.from([])
      : createReadStream(path, { start: fileDataStart, end: fileDataStart + raw.compressedSize - 1, highWaterMark: READ_CHUNK });
  if (raw.compressionMethod === 0) return compressed;
  // pipeline hands a read error on to the inflater, where the caller's loop sees it.
  return pipeline(compressed, createInflateRaw({ chunkSize: READ_CHUNK / 4 }), () => undefined);
}

function streamStop(err: unknown, entry: string): ScanStop {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  const cause = errorText(err);
  if (code === 'Z_BUF_ERROR' || /not enough bytes/i.test(cause)) return { kind: 'broken', what: 'truncated', entry, cause };
  return { kind: 'broken', what: 'corrupt', entry, cause };
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

