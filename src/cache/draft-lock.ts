import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractSection, parseSectionData } from '../github/body-section.ts';
import { runningUntil } from '../report/section-data.ts';
import type { GitHub } from '../github/github.ts';
import type { Release } from '../github/types.ts';
import { isAlive } from './this-machine.ts';

/** Who is testing a draft already: said to the user as "run <runId> since <since>". */
export interface LockHolder {
  runId: string;
  since: string;
}

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

export interface ClaimInput {
  /** Lock files live here (under the download cache). */
  lockDir: string;
  repo: string;
  release: Pick<Release, 'id' | 'tag_name'>;
  runId: string;
  now: Date;
  /** A `running` section older than this belongs to a killed run. */
  staleRunMs: number;
}

export type Claim = { ok: true; release: () => Promise<void> } | { ok: false; holder: LockHolder };

/**
 * Makes this run the only one testing the draft: the local lock for runs on this machine, then
 * the draft's body, read fresh, for runs elsewhere. Two machines reading the body at the same
 * instant can still both go on; the schedule and a person on one machine cannot.
 */
export async function claimDraft(github: Pick<GitHub, 'getRelease'>, input: ClaimInput): Promise<Claim> {
  const mine = { runId: input.runId, since: input.now.toISOString() };
  const local = await lockDraftLocally(input.lockDir, input.repo, input.release.tag_name, mine);
  if (!local.ok) return local;
  try {
    const current = await github.getRelease(input.release.id);
    const holder = runningElsewhere(current, {
      runId: input.runId,
      now: input.now,
      staleRunMs: input.staleRunMs,
      ...(local.deadRunId ? { deadRunId: local.deadRunId } : {}),
    });
    if (holder) {
      await local.release();
      return { ok: false, holder };
    }
  } catch (error) {
    await local.release();
    throw error;
  }
  return { ok: true, release: local.release };
}

/**
 * Another machine's run, seen in the draft's body: a `running` section of another run that
 * started less than `staleRunMs` ago (older ones were killed; pick-drafts treats them alike).
 */
export function runningElsewhere(
  release: Pick<Release, 'body'>,
  options: { runId: string; now: Date; staleRunMs: number; deadRunId?: string },
): LockHolder | null {
  const data = parseSectionData(extractSection(release.body ?? null) ?? '');
  if (!data || data.state !== 'running' || data.runId === options.runId || data.runId === options.deadRunId) return null;
  if (options.now.getTime() >= runningUntil(data.startedAt, options.staleRunMs)) return null;
  return { runId: data.runId, since: data.startedAt };
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
