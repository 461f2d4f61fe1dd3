import type { RunHolder } from '../domain/run-holder.ts';
import type { Release } from '../github/types.ts';
import { extractSection } from './body-section.ts';
import { parseSectionData, runningUntil } from './section-data.ts';


/**
 * Another machine's run, seen in the draft's body: a `running` section of another run that
 * started less than `staleRunMs` ago (older ones were killed; pick-drafts treats them alike).
 */
export function runningElsewhere(
  release: Pick<Release, 'body'>,
  options: { runId: string; now: Date; staleRunMs: number; deadRunId?: string },
): RunHolder | null {
  const data = parseSectionData(extractSection(release.body ?? null) ?? '');
  if (!data || data.state !== 'running' || data.runId === options.runId || data.runId === options.deadRunId) return null;
  if (options.now.getTime() >= runningUntil(data.startedAt, options.staleRunMs)) return null;
  return { runId: data.runId, since: data.startedAt };
}
