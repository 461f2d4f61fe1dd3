import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { StandInContent } from './binary.ts';

/**
 * A .tar.gz holding one file at its root, mode 0755, as GoReleaser-style pipelines make them.
 * Streams: the content is never held whole.
 */
export async function writeSingleFileTarGz(path: string, entryName: string, content: StandInContent, mtime: Date): Promise<void> {
  const pack = tar.pack();
  const packed = pipeline(pack, createGzip({ level: content.compressionLevel, chunkSize: 256 * 1024 }), createWriteStream(path));
  const entry = pack.entry({ name: entryName, type: 'file', mode: 0o755, size: content.size, mtime, uname: 'root', gname: 'root' });
  await pipeline(Readable.from(content.chunks()), entry);
  pack.finalize();
  await packed;
}
