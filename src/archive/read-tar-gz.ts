import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { ArchiveEntry, EntryType, ScanOptions, ScanResult, ScanStop } from './archive-entry.ts';
import { EntrySink, ExtractBudget } from './entry-sink.ts';

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

/**
 * Lists a .tar.gz from disk as it streams past: gunzip, then tar. Never throws for bad content:
 * a broken, truncated or oversized archive ends the scan with a `stop` saying why.
 */
export function scanTarGz(path: string, options: ScanOptions): Promise<ScanResult> {
  return new Promise((resolve) => {
    const entries: ArchiveEntry[] = [];
    const budget = new ExtractBudget(options.maxExtractedBytes);
    const file = createReadStream(path);
    const gunzip = createGunzip();
    const extract = tar.extract();
    let current: string | null = null;
    let settled = false;

    const finish = (stop: ScanStop | null): void => {
      if (settled) return;
      settled = true;
      file.destroy();
      gunzip.destroy();
      extract.destroy();
      resolve({ entries, extractedBytes: budget.total, stop });
    };

    // The cap counts gunzip's real output (tar headers included), not any declared size.
    gunzip.on('data', (chunk: Buffer) => {
      if (!budget.spend(chunk.length)) {
        finish({ kind: 'size-cap', entry: current, bytes: budget.total, cap: budget.cap });
      }
    });
    file.on('error', (err) => finish({ kind: 'broken', what: 'corrupt', entry: current, cause: `read: ${err.message}` }));
    gunzip.on('error', (err) => finish(gzipStop(err, budget.total, current)));
    extract.on('error', (err: Error) => finish(tarStop(err, entries.length, current)));
    extract.on('finish', () => finish(null));

    extract.on('entry', (header, stream, next) => {
      if (entries.length >= options.maxEntries) {
        finish({ kind: 'too-many-entries', count: entries.length + 1 });
        return;
      }
      current = header.name;
      const type = TYPES[header.type ?? ''] ?? 'other';
      const entry: ArchiveEntry = { name: header.name, type, size: header.size ?? 0, mode: header.mode };
      if (header.linkname) entry.linkTarget = header.linkname;
      entries.push(entry);
      const wantHead = type === 'file' && options.wantHead(header.name);
      const sink = new EntrySink(wantHead ? options.headBytes : 0);
      // tar-stream always yields Buffers; its typings say unknown.
      stream.on('data', (chunk: unknown) => Buffer.isBuffer(chunk) && sink.push(chunk));
      // The extractor destroys the entry's stream with its own error too: same cause, same stop.
      stream.on('error', (err: Error) => finish(tarStop(err, entries.length, current)));
      stream.on('end', () => {
        if (type === 'file') entry.size = sink.bytes;
        if (wantHead) entry.head = sink.head();
        next();
      });
    });

    file.pipe(gunzip).pipe(extract);
  });
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
