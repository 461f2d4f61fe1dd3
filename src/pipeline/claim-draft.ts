import { lockDraftLocally, type LockHolder } from '../cache/draft-lock.ts';
import type { GitHub } from '../github/github.ts';
import type { Release } from '../github/types.ts';
import { runningElsewhere } from '../posting/running-elsewhere.ts';

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
 * Does `work` while this run holds the draft (`claimDraft`), and lets go after, whatever happens:
 * two runs, or a run and a merge, posting into one body would mix their sections.
 */
export async function whileClaimed<T>(github: Pick<GitHub, 'getRelease'>, input: ClaimInput, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; holder: LockHolder }> {
  const claim = await claimDraft(github, input);
  if (!claim.ok) return claim;
  try {
    return { ok: true, value: await work() };
  } finally {
    await claim.release();
  }
}
