import type { SmokeConfig } from '../config/types.ts';
import type { GitHub } from '../github/github.ts';
import type { Release } from '../github/types.ts';
import type { SectionData } from '../posting/section-data.ts';
import { abandonRun } from '../stages/abandon-run.ts';
import { announceRun } from '../stages/post-results.ts';
import type { EventSink } from '../domain/events.ts';

export interface AnnouncementInput {
  release: Release;
  commit: string;
  config: SmokeConfig;
  data: SectionData & { state: 'running' };
  platformCount: number;
  /** false (`--no-post`): nothing is announced, nothing abandoned. */
  post: boolean;
  runUrl?: string;
}

export interface AnnouncementDeps {
  github: GitHub;
  onEvent: EventSink;
  now: () => Date;
  signal?: AbortSignal;
}

/**
 * Says on the draft that a run is under way, then does `work`. From then on the status must not
 * stay `pending`, whatever happens: a run that throws or is cancelled is marked `error` and why.
 */
export async function withAnnouncement<T>(input: AnnouncementInput, deps: AnnouncementDeps, work: () => Promise<T>): Promise<T> {
  if (!input.post) return work();
  const runUrl = input.runUrl ? { runUrl: input.runUrl } : {};
  const { release, commit, data, platformCount } = input;
  await announceRun(deps.github, { release, commit, data, platformCount, statusContext: input.config.statusContext, ...runUrl });
  const abandon = async (reason: string) => {
    const finishedAt = deps.now().toISOString();
    const problems = await abandonRun(deps.github, { release, commit, data, statusContext: input.config.statusContext, reason, finishedAt, ...runUrl });
    for (const problem of problems) deps.onEvent({ kind: 'warning', message: `could not mark the run as ended: ${problem}` });
  };
  try {
    const outcome = await work();
    if (deps.signal?.aborted) await abandon(cancelledReason(deps.signal));
    return outcome;
  } catch (error) {
    await abandon(error instanceof Error ? error.message : String(error));
    throw error;
  }
}

export function cancelledReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? `cancelled by ${signal.reason}` : 'cancelled';
}
