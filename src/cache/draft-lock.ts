import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunHolder } from '../domain/run-holder.ts';
import { isAlive } from '../hosts/this-machine.ts';

export type LockHolder = RunHolder;

interface LockFile {
  pid: number;
  runId: string;
  since: string;
}

export type LocalLock =
  | { ok: true; release: () => Promise<void>; /** A run on this machine that died holding the lock. */ deadRunId?: string }
  | { ok: false; holder: LockHolder };

/**
 * One run per repository and tag on this machine: a lock file created atomically (written
 * aside, then hard-linked into place, so a reader never sees it half written). A lock whose
 * process is gone was left by a killed run and is taken over.
 */
export async function lockDraftLocally(lockDir: string, repo: string, tag: string, mine: LockHolder): Promise<LocalLock> {
  await mkdir(lockDir, { recursive: true });
  const path = join(lockDir, `${safe(repo)}@${safe(tag)}.lock`);
  const aside = `${path}.${randomBytes(6).toString('hex')}`;
  const content: LockFile = { pid: process.pid, runId: mine.runId, since: mine.since };
  await writeFile(aside, `${JSON.stringify(content)}\n`, { mode: 0o600 });
  let deadRunId: string | undefined;
  try {
    // Two tries: the second after removing a dead holder's lock.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await link(aside, path);
        const release = async () => {
          const now = await readLock(path);
          if (now?.runId === mine.runId) await rm(path, { force: true });
        };
        return { ok: true, release, ...(deadRunId ? { deadRunId } : {}) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readLock(path);
      if (holder && isAlive(holder.pid)) return { ok: false, holder: { runId: holder.runId, since: holder.since } };
      deadRunId = holder?.runId;
      await rm(path, { force: true });
    }
    const holder = await readLock(path);
    return { ok: false, holder: { runId: holder?.runId ?? 'unknown', since: holder?.since ?? 'unknown' } };
  } finally {
    await rm(aside, { force: true });
  }
}

async function readLock(path: string): Promise<LockFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  // A lock file someone mangled holds nothing we can check: it counts as abandoned.
  const abandoned = { pid: -1, runId: 'unknown', since: 'unknown' };
  let value: Partial<LockFile>;
  try {
    value = JSON.parse(text) as Partial<LockFile>;
  } catch {
    return abandoned;
  }
  const valid = typeof value.pid === 'number' && typeof value.runId === 'string' && typeof value.since === 'string';
  return valid ? { pid: value.pid!, runId: value.runId!, since: value.since! } : abandoned;
}

function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]/g, '_');
}
