import type { RunReport } from '../domain/report.ts';
import { bodyChars, planSectionEdit, type SectionEdit } from '../posting/body-section.ts';
import type { GitHub } from '../github/github.ts';
import { commitState, noRoomStatus, runningDescription, statusDescription } from '../posting/status-description.ts';
import type { Release } from '../github/types.ts';
import { renderBodySection, renderRunningSection } from '../report/markdown/render.ts';
import type { SectionData } from '../posting/section-data.ts';
import { staleAssets } from '../posting/stale-assets.ts';
import { extractSection } from '../posting/body-section.ts';
import { judgeDraft, rowsOf as rowsOfData, type DraftJudgement, type DraftNow } from '../posting/draft-verdict.ts';
import { lostRows, mergeRows, rowsFromReport, type PlatformRow } from '../posting/platform-rows.ts';
import { parseSectionData, sectionDataFromReport } from '../posting/section-data.ts';
import type { CommitState } from '../posting/status-description.ts';
import type { ExpectedAsset } from '../release/asset-names.ts';

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
  // The rows earlier runs left for this commit stay in the data: this run's result merges with them.
  await writeSection(github, input.release.id, (_budget, current) => {
    const earlier = parseSectionData(extractSection(current.body ?? null) ?? '')?.platforms ?? [];
    const kept = mergeRows(earlier, [], { commit: input.commit, order: [] });
    return renderRunningSection(kept.length > 0 ? { ...input.data, platforms: kept } : input.data);
  });
}

export interface PostInput {
  report: RunReport;
  /** The release as it was when the run started: its assets are what was tested. */
  tested: Release;
  statusContext: string;
  expected: string[];
  /** Every configured platform with its archive's name: the draft is judged over all of them, whatever this run narrowed to. */
  draftPlatforms: readonly ExpectedAsset[];
}

/**
 * `inBody` false: the release notes left no room for even a one-line result; the status says so.
 * `lostRows`: platforms of this run that another run's write kept dropping (retries ran out).
 */
export type PostOutcome = { bodyOutcome: SectionEdit['outcome']; inBody: boolean; state: string; description: string; lostRows: string[] };

/** Read back and merge again at most this often: two runs posting at once settle in two or three rounds. */
const MERGE_ATTEMPTS = 5;

/**
 * Writes the result into the draft's body (our section only; the rest stays byte for byte) and
 * the commit status. Touches nothing else: never `draft`, `prerelease`, tag, name or assets.
 * This run's rows are merged with the rows earlier runs left for the same commit; the status is
 * `judgeDraft` over all of them, the rule `smoke gate` applies.
 */
export async function postResults(github: PostGitHub, input: PostInput): Promise<PostOutcome> {
  const { report } = input;
  const mine = rowsFromReport(report);
  const order = input.draftPlatforms.map((p) => p.platform);
  const judge = (release: Release) => judgeDraft(parseSectionData(extractSection(release.body ?? null) ?? ''), draftNow(release, input));
  const render = (budget: number, current: Release): string => {
    const rows = mergeRows(rowsOf(current, input), mine, { commit: report.commit, order });
    const judged = judgeDraft(sectionDataFromReport(report, rows), draftNow(current, input));
    const stale = new Map(judged.platforms.flatMap((p) => (p.standing === 'stale' && p.reason ? [[p.platform, p.reason] as const] : [])));
    const showGate = rows.some((r) => r.runId !== report.runId) || judged.state !== commitState(report.verdict);
    return renderBodySection(report, { budget, expected: order, rows, stale, ...(showGate ? { gate: judged } : {}) });
  };
  const { edit, final, lost } = await writeMerged(github, report.releaseId, mine, render);
  const bodyOutcome = edit.outcome;
  const inBody = bodyOutcome === 'replaced' || bodyOutcome === 'appended';
  const stale = report.stale && report.stale.length > 0;
  if (inBody && !stale) {
    const posted = report.commit ? await postJudgedStatus(github, report, input, final, judge) : judge(final);
    return { bodyOutcome, inBody, state: posted.state, description: posted.description, lostRows: lost };
  }
  const said = stale ? `stale: ${report.stale!.join(', ')} changed during the test; run again` : statusDescription(report.platforms, input.expected);
  const { state, description } = inBody ? { state: commitState(report.verdict), description: said } : noRoomStatus(report.verdict, said, bodyChars(edit.body));
  if (report.commit) await postStatus(github, report, input, { state, description });
  return { bodyOutcome, inBody, state, description, lostRows: lost };
}

/**
 * Posts the judgement of the body as it reads now, then reads it again: when another run's
 * write changed it meanwhile, the judgement is posted again, so the last status posted is for
 * the last body written (the run that writes last also posts last).
 */
async function postJudgedStatus(
  github: PostGitHub,
  report: RunReport,
  input: PostInput,
  first: Release,
  judge: (release: Release) => DraftJudgement,
): Promise<DraftJudgement> {
  let judged = judge(first);
  for (let attempt = 1; ; attempt += 1) {
    await postStatus(github, report, input, judged);
    if (attempt >= MERGE_ATTEMPTS) return judged;
    const again = judge(await github.getRelease(report.releaseId));
    if (again.state === judged.state && again.description === judged.description) return judged;
    judged = again;
  }
}

async function postStatus(github: PostGitHub, report: RunReport, input: PostInput, status: { state: string; description: string }): Promise<void> {
  await github.createCommitStatus(report.commit!, {
    state: status.state as CommitState,
    context: input.statusContext,
    description: status.description,
    ...(report.runUrl ? { targetUrl: report.runUrl } : {}),
  });
}

/**
 * GitHub's release update has no compare-and-swap: a run posting at the same moment can write
 * a body read before ours landed. So: read, merge, write, read back; while a row of ours is
 * missing, merge again (bounded).
 */
async function writeMerged(
  github: PostGitHub,
  releaseId: number,
  mine: readonly PlatformRow[],
  render: (budget: number, current: Release) => string,
): Promise<{ edit: SectionEdit; final: Release; lost: string[] }> {
  let current = await github.getRelease(releaseId);
  for (let attempt = 1; ; attempt += 1) {
    const before = current;
    const edit = planSectionEdit(before.body ?? null, (budget) => render(budget, before));
    // `over-limit` still writes: the body without an old section of ours that no longer holds.
    if (edit.outcome === 'unplaceable' || edit.body === (before.body ?? '')) return { edit, final: before, lost: [] };
    await github.updateReleaseBody(releaseId, edit.body);
    if (edit.outcome === 'over-limit') return { edit, final: before, lost: [] };
    current = await github.getRelease(releaseId);
    const data = parseSectionData(extractSection(current.body ?? null) ?? '');
    const lost = lostRows(data?.platforms ?? [], mine);
    if (lost.length === 0 || attempt >= MERGE_ATTEMPTS) return { edit, final: current, lost };
  }
}

function draftNow(release: Release, input: PostInput): DraftNow {
  return { expected: input.draftPlatforms, assets: release.assets, commit: input.report.commit };
}

/** The rows a body's section holds (a section of an older version: rows made from what it says). */
function rowsOf(release: Release, input: PostInput): PlatformRow[] {
  const data = parseSectionData(extractSection(release.body ?? null) ?? '');
  return data ? rowsOfData(data, { expected: input.draftPlatforms }) : [];
}

/** Reads the body just before writing it, so a person's edit made during the run is kept. */
export async function writeSection(
  github: PostGitHub,
  releaseId: number,
  render: (budget: number, current: Release) => string,
): Promise<SectionEdit> {
  const current = await github.getRelease(releaseId);
  const edit = planSectionEdit(current.body ?? null, (budget) => render(budget, current));
  // `over-limit` still writes: the body without an old section of ours that no longer holds.
  if (edit.outcome !== 'unplaceable' && edit.body !== (current.body ?? '')) {
    await github.updateReleaseBody(releaseId, edit.body);
  }
  return edit;
}

export { staleAssets };
