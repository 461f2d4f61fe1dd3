import type { RunReport } from '../domain/report.ts';
import { bodyChars, planSectionEdit, type SectionEdit } from '../posting/body-section.ts';
import type { GitHub } from '../github/github.ts';
import { commitState, noRoomStatus, runningDescription, statusDescription } from '../posting/status-description.ts';
import type { Release } from '../github/types.ts';
import { renderBodySection, renderRunningSection } from '../report/markdown/render.ts';
import type { SectionData } from '../posting/section-data.ts';
import { staleAssets } from '../posting/stale-assets.ts';
import { extractSection } from '../posting/body-section.ts';
import { judgeDraft, rowsOf as rowsOfData, type DraftNow } from '../posting/draft-verdict.ts';
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

/** Rounds of read back, merge again, post again: two runs posting at once settle in two or three. */
const MERGE_ATTEMPTS = 6;

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
  const staleSaid = report.stale && report.stale.length > 0 ? `stale: ${report.stale.join(', ')} changed during the test; run again` : null;
  const render = (budget: number, current: Release): string => {
    const rows = mergeRows(rowsOf(current, input), mine, { commit: report.commit, order });
    const judged = judgeDraft(sectionDataFromReport(report, rows), draftNow(current, input));
    const staleRows = new Map(judged.platforms.flatMap((p) => (p.standing === 'stale' && p.reason ? [[p.platform, p.reason] as const] : [])));
    const showGate = rows.some((r) => r.runId !== report.runId) || judged.state !== commitState(report.verdict);
    return renderBodySection(report, { budget, expected: order, rows, stale: staleRows, ...(showGate ? { gate: judged } : {}) });
  };
  // A result for bytes that changed during the run says so, whatever the rows say.
  const statusOf = (current: Release): Status =>
    staleSaid !== null
      ? { state: 'error', description: staleSaid }
      : judgeDraft(parseSectionData(extractSection(current.body ?? null) ?? ''), draftNow(current, input));
  const { edit, status, lost } = await writeAndPost(github, input, { mine, render, statusOf });
  const inBody = edit.outcome === 'replaced' || edit.outcome === 'appended';
  if (status) return { bodyOutcome: edit.outcome, inBody, ...status, lostRows: lost };
  const said = staleSaid ?? statusDescription(report.platforms, input.expected);
  const noRoom = noRoomStatus(report.verdict, said, bodyChars(edit.body));
  if (report.commit) await postStatus(github, report, input, noRoom);
  return { bodyOutcome: edit.outcome, inBody, ...noRoom, lostRows: lost };
}

interface Status {
  state: CommitState;
  description: string;
}

interface Merging {
  mine: readonly PlatformRow[];
  render: (budget: number, current: Release) => string;
  statusOf: (current: Release) => Status;
}

/**
 * GitHub's release update has no compare-and-swap: a run posting at the same moment can write
 * a body it read before ours landed. So each write is read back, and the status is posted for
 * the body as read; after posting, the body is read once more (a whole round trip later, when
 * a write racing ours has landed). Whenever a row of ours is missing, it is merged again; when
 * the body's judgement moved, the status is posted again. Bounded: `MERGE_ATTEMPTS` rounds.
 * `status` null: the section found no room (the caller posts the no-room status).
 */
async function writeAndPost(github: PostGitHub, input: PostInput, merging: Merging): Promise<{ edit: SectionEdit; status: Status | null; lost: string[] }> {
  const { releaseId } = input.report;
  let current = await github.getRelease(releaseId);
  let edit: SectionEdit | null = null;
  let posted: Status | null = null;
  const lost = (release: Release) => lostRows(rowsOf(release, input), merging.mine);
  for (let attempt = 1; attempt <= MERGE_ATTEMPTS; attempt += 1) {
    if (edit === null || lost(current).length > 0) {
      const before = current;
      edit = planSectionEdit(before.body ?? null, (budget) => merging.render(budget, before));
      const changed = edit.outcome !== 'unplaceable' && edit.body !== (before.body ?? '');
      // `over-limit` still writes: the body without an old section of ours that no longer holds.
      if (changed) await github.updateReleaseBody(releaseId, edit.body);
      if (edit.outcome === 'unplaceable' || edit.outcome === 'over-limit') return { edit, status: null, lost: [] };
      if (changed) {
        current = await github.getRelease(releaseId);
        continue;
      }
    }
    const status = merging.statusOf(current);
    if (posted && sameStatus(posted, status)) return { edit, status, lost: [] };
    await postStatus(github, input.report, input, status);
    posted = status;
    current = await github.getRelease(releaseId);
  }
  // Out of rounds: say what the body holds now, and which of our rows it lost.
  const status = merging.statusOf(current);
  if (!posted || !sameStatus(posted, status)) await postStatus(github, input.report, input, status);
  return { edit: edit!, status, lost: lost(current) };
}

function sameStatus(a: Status, b: Status): boolean {
  return a.state === b.state && a.description === b.description;
}

async function postStatus(github: PostGitHub, report: RunReport, input: PostInput, status: Status): Promise<void> {
  if (!report.commit) return;
  await github.createCommitStatus(report.commit, {
    state: status.state,
    context: input.statusContext,
    description: status.description,
    ...(report.runUrl ? { targetUrl: report.runUrl } : {}),
  });
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
