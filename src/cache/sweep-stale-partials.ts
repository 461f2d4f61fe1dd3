import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IDLE_MS } from '../github/http-send.ts';

export interface SweepOptions {
  /** Whether a process of this machine still runs: a partial file of a live download is left alone. */
  isRunning?: (pid: number) => boolean;
  now?: number;
  /** A partial file nobody wrote to for this long belongs to no live download (default: the download's idle limit, doubled). */
  staleAfterMs?: number;
}

export interface Swept {
  files: string[];
  bytes: number;
}

/** `<name>.partial-<pid>-<hex>`; older runs wrote `<name>.partial-<hex>`, without the pid. */
const PARTIAL = /\.partial-(?:(\d+)-)?[0-9a-f]+$/;

/**
 * Removes the partial files a killed download left in the cache (`<cacheDir>/<asset>/<file>.partial-…`).
 * One is stale when the process that wrote it no longer runs, or when nothing wrote to it for
 * longer than a live download may stay silent: another smoke process's download in progress is kept.
 */
export async function sweepStalePartials(cacheDir: string, options: SweepOptions = {}): Promise<Swept> {
  const isRunning = options.isRunning ?? processRunning;
  const now = options.now ?? Date.now();
  const staleAfterMs = options.staleAfterMs ?? 2 * IDLE_MS;
  const swept: Swept = { files: [], bytes: 0 };
  for (const folder of await entries(cacheDir)) {
    if (!folder.isDirectory() || folder.name.startsWith('.')) continue;
    for (const file of await entries(join(cacheDir, folder.name))) {
      const match = PARTIAL.exec(file.name);
      if (!file.isFile() || !match) continue;
      const path = join(cacheDir, folder.name, file.name);
      const info = await stat(path).catch(() => null); // gone meanwhile: its download finished or failed
      if (!info) continue;
      const pid = match[1] === undefined ? undefined : Number(match[1]);
      const writerGone = pid !== undefined && pid !== process.pid && !isRunning(pid);
      if (!writerGone && now - info.mtimeMs < staleAfterMs) continue;
      await rm(path, { force: true });
      swept.files.push(path);
      swept.bytes += info.size;
    }
  }
  return swept;
}

async function entries(dir: string) {
  return readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []; // no cache yet
    throw error;
  });
}

/** Signal 0 asks whether a process exists; EPERM means it does, under another user. */
function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
