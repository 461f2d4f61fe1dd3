import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';

export interface TarEntrySpec {
  name: string;
  type?: Header['type'];
  mode?: number;
  linkname?: string;
  data?: Buffer;
}

/** Writes a .tar.gz for tests with tar-stream's pack, entries exactly as given (unsafe ones too). */
export async function writeTarGz(path: string, entries: TarEntrySpec[]): Promise<void> {
  const pack = tar.pack();
  const out = createWriteStream(path);
  // Level 1: tests pack real 10 MB binaries many times; the ratio does not matter.
  pack.pipe(createGzip({ level: 1 })).pipe(out);
  for (const spec of entries) {
    const type = spec.type ?? 'file';
    const header = {
      name: spec.name,
      type,
      mode: spec.mode ?? (type === 'directory' ? 0o755 : 0o644),
      mtime: new Date(0),
      ...(spec.linkname === undefined ? {} : { linkname: spec.linkname }),
    };
    await new Promise<void>((resolve, reject) => {
      pack.entry(header, spec.data ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await once(out, 'close');
}
