import type { GitHub } from '../github/github.ts';
import { MAX_STATUS_DESCRIPTION } from '../posting/status-description.ts';
import type { Release } from '../github/types.ts';
import { renderAbandonedSection } from '../report/markdown/render-abandoned.ts';
import type { SectionData } from '../posting/section-data.ts';
import { stripControlChars, truncateEnd } from '../domain/text-safety.ts';
import { writeSection } from './post-results.ts';

type AbandonGitHub = Pick<GitHub, 'getRelease' | 'updateReleaseBody' | 'createCommitStatus'>;

export interface AbandonInput {
  release: Release;
  commit: string;
  /** The data the run announced; it is rewritten as an `error` that finished now. */
  data: SectionData;
  statusContext: string;
  /** Why the run ended without a result: `cancelled (SIGTERM)`, an error's message. */
  reason: string;
  finishedAt: string;
  runUrl?: string;
}

/**
 * A run that announced itself and then could not finish must not leave a `pending` status or a
 * "testing" section behind: both say `error` and why. Best effort: each write is tried even when
 * the other fails, and what failed is returned (the caller is already failing for another reason).
 */
export async function abandonRun(github: AbandonGitHub, input: AbandonInput): Promise<string[]> {
  const problems: string[] = [];
  const description = truncateEnd(stripControlChars(`no verdict: ${input.reason}`).replace(/\s+/g, ' '), MAX_STATUS_DESCRIPTION);
  try {
    await github.createCommitStatus(input.commit, {
      state: 'error',
      context: input.statusContext,
      description,
      ...(input.runUrl ? { targetUrl: input.runUrl } : {}),
    });
  } catch (error) {
    problems.push(`commit status: ${error instanceof Error ? error.message : String(error)}`);
  }
  const data: SectionData = { ...input.data, state: 'done', verdict: 'error', finishedAt: input.finishedAt };
  try {
    await writeSection(github, input.release.id, () => renderAbandonedSection(data, input.reason));
  } catch (error) {
    problems.push(`release body: ${error instanceof Error ? error.message : String(error)}`);
  }
  return problems;
}
