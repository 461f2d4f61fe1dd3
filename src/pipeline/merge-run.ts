import { join } from 'node:path';
import type { SmokeConfig } from '../config/types.ts';
import { SmokeError } from '../domain/errors.ts';
import type { EventSink } from '../domain/events.ts';
import type { LockHolder } from '../cache/draft-lock.ts';
import type { GitHub } from '../github/github.ts';
import { DEFAULT_STALE_RUN_MS } from '../posting/section-data.ts';
import { staleSinceTested } from '../posting/stale-assets.ts';
import { assetDigests } from '../report/build-report.ts';
import { mergedReport, type MergedShards } from '../report/merge-reports.ts';
import { whileClaimed } from './claim-draft.ts';
import { deliverReport, type TestedOutcome } from './deliver-report.ts';

export interface MergeInput {
  merged: MergedShards;
  /** The merge's own run id: its report folder and the rows it posts. */
  runId: string;
  config: SmokeConfig;
  reportsDir: string;
  /** Where `index.html` lists every run, when `reportsDir` is one repository's folder under it. */
  reportsIndexDir?: string;
  cacheDir: string;
  post: boolean;
  /** This job's Actions run (the final job of the sharded workflow); else the shards' own. */
  runUrl?: string;
  stepSummary?: string;
}

export interface MergeDeps {
  github: GitHub;
  onEvent: EventSink;
  now: () => Date;
}

export type MergeRunOutcome = TestedOutcome | { kind: 'busy'; tag: string; holder: LockHolder };

/**
 * The spine of `smoke merge`: the shards' draft as it is now, then one report over every
 * configured platform (one without a shard is not green), written and posted like one run's.
 */
export async function mergeRun(input: MergeInput, deps: MergeDeps): Promise<MergeRunOutcome> {
  const { merged, config } = input;
  const release = await draftOfShards(merged, deps.github);
  const lock = { lockDir: join(input.cacheDir, '.locks'), repo: deps.github.repo, release, runId: input.runId, now: deps.now(), staleRunMs: DEFAULT_STALE_RUN_MS };
  const deliver = async (): Promise<TestedOutcome> => {
    // Read inside the claim: assets re-uploaded since the shards tested them make the result stale.
    const current = await deps.github.getRelease(release.id);
    const stale = [...new Set([...merged.stale, ...staleSinceTested(current, assetDigests(merged.platforms))])];
    if (stale.length > 0) deps.onEvent({ kind: 'warning', message: `stale result: ${stale.join(', ')} changed on the draft since the shards tested them` });
    const expected: string[] = [...config.platforms.keys()];
    // This job's Actions run (the sharded workflow's last job) links the status; else the shards' own.
    const runUrl = input.runUrl ?? merged.runUrl;
    const report = mergedReport(merged, { runId: input.runId, expected, stale, releaseHtmlUrl: current.html_url, ...(runUrl ? { runUrl } : {}) });
    return deliverReport({ report, tested: current, config, expected, reportsDir: input.reportsDir, ...(input.reportsIndexDir ? { indexDir: input.reportsIndexDir } : {}), post: input.post, ...(input.stepSummary ? { stepSummary: input.stepSummary } : {}) }, deps);
  };
  if (!input.post) return deliver();
  const claimed = await whileClaimed(deps.github, lock, deliver);
  return claimed.ok ? claimed.value : { kind: 'busy', tag: merged.tag, holder: claimed.holder };
}

/** The draft the shards tested, still a draft, still at their commit; anything else ends here. */
async function draftOfShards(merged: MergedShards, github: GitHub) {
  const { tag } = merged;
  if (github.repo.toLowerCase() !== merged.repo.toLowerCase()) throw new SmokeError(`the reports are of ${merged.repo}, not ${github.repo}: pass --repo ${merged.repo}`, { tag });
  const release = await github.findDraftByTag(tag);
  if (!release) {
    const published = (await github.listReleases()).some((r) => !r.draft && r.tag_name === tag);
    throw new SmokeError(published ? `${tag} is no longer a draft: it was published after the shards ran; nothing was posted` : `no draft release with tag ${tag} (deleted, or a token without push access sees no drafts); nothing was posted`, { tag });
  }
  if (release.id !== merged.releaseId) {
    throw new SmokeError(`the draft ${tag} is release ${release.id}, the shards tested release ${merged.releaseId} (made again since): run the shards again; nothing was posted`, { tag });
  }
  const commit = (await github.resolveCommit(release)).sha;
  if (merged.commit !== null && commit !== merged.commit) {
    throw new SmokeError(`the draft ${tag} now points at commit ${commit.slice(0, 12)}, the shards tested ${merged.commit.slice(0, 12)}: run the shards again; nothing was posted`, { tag });
  }
  return release;
}
