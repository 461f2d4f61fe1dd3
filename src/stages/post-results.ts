import type { RunReport } from '../domain/report.ts';
import { bodyChars, planSectionEdit, type SectionEdit } from '../posting/body-section.ts';
import type { GitHub } from '../github/github.ts';
import { commitState, noRoomStatus, runningDescription, statusDescription } from '../posting/status-description.ts';
import type { Release } from '../github/types.ts';
import { renderBodySection, renderRunningSection } from '../report/markdown/render.ts';
import type { SectionData } from '../posting/section-data.ts';
import { staleAssets } from '../posting/stale-assets.ts';

type PostGitHub = Pick<GitHub, 'getRelease' | 'updateReleaseBody' | 'createCommitStatus'>;

export interface AnnounceInput {
  release: Release;
  commit: string;
  data: SectionData & { state: 'running' };
  statusContext: string;
  platformCount: number;
  runUrl?: string;
}

/** Says a run is under way: a `pending` status and a "testing" section, so `gate` can say "still running". */
export async function announceRun(github: PostGitHub, input: AnnounceInput): Promise<void> {
  await github.createCommitStatus(input.commit, {
    state: 'pending',
    context: input.statusContext,
    description: runningDescription(input.platformCount),
    ...(input.runUrl ? { targetUrl: input.runUrl } : {}),
  });
  await writeSection(github, input.release.id, () => renderRunningSection(input.data));
}

export interface PostInput {
  report: RunReport;
  /** The release as it was when the run started: its assets are what was tested. */
  tested: Release;
  statusContext: string;
  expected: string[];
}

/** `inBody` false: the release notes left no room for even a one-line result; the status says so. */
export type PostOutcome = { bodyOutcome: SectionEdit['outcome']; inBody: boolean; state: string; description: string };

/**
 * Writes the result into the draft's body (our section only; the rest stays byte for byte) and
 * the commit status. Touches nothing else: never `draft`, `prerelease`, tag, name or assets.
 */
export async function postResults(github: PostGitHub, input: PostInput): Promise<PostOutcome> {
  const { report } = input;
  const edit = await writeSection(github, report.releaseId, (budget) => renderBodySection(report, { budget, expected: input.expected }));
  const bodyOutcome = edit.outcome;
  const stale = report.stale && report.stale.length > 0;
  const inBody = bodyOutcome === 'replaced' || bodyOutcome === 'appended';
  const said = stale
    ? `stale: ${report.stale!.join(', ')} changed during the test; run again`
    : statusDescription(report.platforms, input.expected);
  const { state, description } = inBody
    ? { state: commitState(report.verdict), description: said }
    : noRoomStatus(report.verdict, said, bodyChars(edit.body));
  if (report.commit) {
    await github.createCommitStatus(report.commit, {
      state,
      context: input.statusContext,
      description,
      ...(report.runUrl ? { targetUrl: report.runUrl } : {}),
    });
  }
  return { bodyOutcome, inBody, state, description };
}

/** Reads the body just before writing it, so a person's edit made during the run is kept. */
export async function writeSection(
  github: PostGitHub,
  releaseId: number,
  render: (budget: number) => string,
): Promise<SectionEdit> {
  const current = await github.getRelease(releaseId);
  const edit = planSectionEdit(current.body ?? null, render);
  // `over-limit` still writes: the body without an old section of ours that no longer holds.
  if (edit.outcome !== 'unplaceable' && edit.body !== (current.body ?? '')) {
    await github.updateReleaseBody(releaseId, edit.body);
  }
  return edit;
}

export { staleAssets };
