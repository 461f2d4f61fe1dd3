import type { EventEmitter } from 'node:events';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { ArchiveEntry, EntryType, ScanOptions, ScanResult, ScanStop } from './archive-entry.ts';
import { EntrySink, ExtractBudget } from './entry-sink.ts';

/**
 * gunzip's output piece, and the read size from disk. Each piece is a job on libuv's pool:
 * zlib's default 16 KiB meant 3,200 per 50 MiB; 1 MiB pieces halve the CPU of 256 KiB ones.
 */
const GUNZIP_CHUNK = 1 << 20;

const TYPES: Record<string, EntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'device',
  'block-device': 'device',
  fifo: 'fifo',
};

/** Lists a .tar.gz from disk; see `scanTarGzStream`. */
export async function scanTarGz(path: string, options: ScanOptions): Promise<ScanResult> {
  const file = createReadStream(path, { highWaterMark: GUNZIP_CHUNK });
  try {
    return await scanTarGzStream(file, options);
  } finally {
    // A file need not be drained after an early stop: close it.
    file.destroy();
  }
}

/**
 * Lists a .tar.gz as it streams past: gunzip, then tar. Never throws for bad content:
 * a broken, truncated or oversized archive ends the scan with a `stop` saying why; so does an
 * error on `source` (a cut download). After an early stop it keeps reading and discarding
 * `source`, so a download feeding it never stalls on backpressure.
 */
export function scanTarGzStream(source: Readable, options: ScanOptions): Promise<ScanResult> {
  return new Promise((resolve) => {
    const entries: ArchiveEntry[] = [];
    const budget = new ExtractBudget(options.maxExtractedBytes);
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
    const extract = tar.extract();
    let current: string | null = null;
    let settled = false;

    const finish = (stop: ScanStop | null): void => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      extract.destroy();
      // Keep reading (and dropping) the rest: the feed below ignores it now.
      if (!source.destroyed) source.resume();
      resolve({ entries, extractedBytes: budget.total, stop });
    };

    // The cap counts gunzip's real output (tar headers included), not any declared size.
    gunzip.on('data', (chunk: Buffer) => {
      if (!budget.spend(chunk.length)) {
        finish({ kind: 'size-cap', entry: current, bytes: budget.total, cap: budget.cap });
      }
    });
    source.on('error', (err) => finish({ kind: 'broken', what: 'corrupt', entry: current, cause: `read: ${err.message}` }));
    // Destroyed without an error: the bytes simply stopped coming.
    source.on('close', () => {
      if (!source.readableEnded) finish({ kind: 'broken', what: 'truncated', entry: current, cause: 'read: the input closed early' });
    });
    gunzip.on('error', (err) => finish(gzipStop(err, budget.total, current)));
    extract.on('error', (err: Error) => finish(tarStop(err, entries.length, current)));
    extract.on('finish', () => finish(globalHeaderStop(extract, current)));

    extract.on('entry', (header, stream, next) => {
      const global = globalHeaderStop(extract, header.name);
      if (global) {
        finish(global);
        return;
      }
      if (entries.length >= options.maxEntries) {
        finish({ kind: 'too-many-entries', count: entries.length + 1 });
        return;
      }
      current = header.name;
      const entry = entryOf(header);
      entries.push(entry);
      readEntry(entry, stream, entry.type === 'file' && options.wantHead(header.name) ? options.headBytes : null, next);
      // The extractor destroys the entry's stream with its own error too: same cause, same stop.
      stream.on('error', (err: Error) => finish(tarStop(err, entries.length, current)));
    });

    feed(source, gunzip, () => settled);
    gunzip.pipe(extract);
  });
}

/** Reads an entry's bytes: its size, and for the binary (`headBytes` set) its head and SHA-256. */
function readEntry(entry: ArchiveEntry, stream: EventEmitter, headBytes: number | null, next: () => void): void {
  const sink = new EntrySink(headBytes ?? 0, { hash: headBytes !== null });
  // tar-stream always yields Buffers; its typings say unknown.
  stream.on('data', (chunk: unknown) => Buffer.isBuffer(chunk) && sink.push(chunk));
  stream.on('end', () => {
    if (entry.type === 'file') entry.size = sink.bytes;
    if (headBytes !== null) {
      entry.head = sink.head();
      entry.sha256 = sink.sha256();
    }
    next();
  });
}

/** Fed by hand, not piped: after a stop nothing may pause `source` again (pipe would, on a destroyed gunzip). */
function feed(source: Readable, gunzip: Gunzip, stopped: () => boolean): void {
  source.on('data', (chunk: Buffer) => {
    if (stopped() || gunzip.write(chunk)) return;
    source.pause();
    gunzip.once('drain', () => stopped() || source.resume());
  });
  source.on('end', () => stopped() || gunzip.end());
}

function entryOf(header: tar.Header): ArchiveEntry {
  const entry: ArchiveEntry = { name: header.name, type: TYPES[header.type ?? ''] ?? 'other', size: header.size ?? 0, mode: header.mode };
  if (header.linkname) entry.linkTarget = header.linkname;
  return entry;
}

function gzipStop(err: Error & { code?: string }, bytesOut: number, entry: string | null): ScanStop {
  const cause = `gzip: ${err.message}`;
  if (bytesOut === 0 && err.code === 'Z_DATA_ERROR') return { kind: 'broken', what: 'not-gzip', entry: null, cause };
  if (err.code === 'Z_BUF_ERROR') return { kind: 'broken', what: 'truncated', entry, cause };
  return { kind: 'broken', what: 'corrupt', entry, cause };
}

function tarStop(err: Error, entriesSeen: number, entry: string | null): ScanStop {
  const cause = `tar: ${err.message}`;
  if (/unexpected end/i.test(err.message)) return { kind: 'broken', what: 'truncated', entry, cause };
  if (entriesSeen === 0) return { kind: 'broken', what: 'not-tar', entry: null, cause };
  return { kind: 'broken', what: 'corrupt', entry, cause };
}

/**
 * A PAX global header (typeflag `g`) is applied by GNU tar to every entry after it (a `path=`
 * in it renames them all) and ignored by tar-stream unless a local PAX header follows: the two
 * readers would see different archives, so such an archive is refused. tar-stream keeps the
 * header in a field of its own and emits no event for it; this reads that field.
 */
function globalHeaderStop(extract: object, entry: string | null): ScanStop | null {
  const global = (extract as { _paxGlobal?: Record<string, string> | null })._paxGlobal;
  if (global === undefined || global === null) return null;
  const keys = Object.keys(global).join(', ') || 'no keys';
  return { kind: 'broken', what: 'unsupported', entry, cause: `a PAX global header (${keys}): GNU tar applies it to the entries after it, other readers do not` };
}
