import pLimit from 'p-limit';
import type { SmokeConfig } from '../config/types.ts';
import type { EventSink } from '../domain/events.ts';
import type { PlatformId } from '../domain/platform.ts';
import type { RunReport } from '../domain/report.ts';
import type { PlatformResult } from '../domain/verdict.ts';
import type { GitHub } from '../github/github.ts';
import { runVerdict } from '../report/verdict-rules.ts';
import { writeReports } from '../report/write-reports.ts';
import { fetchAssets } from '../stages/fetch-assets.ts';
import { findDraft, type FindDraftResult } from '../stages/find-draft.ts';
import { announceRun, postResults, staleAssets, type PostOutcome } from '../stages/post-results.ts';
import { HostPool, type Connect } from './host-pool.ts';
import { testPlatform } from './test-platform.ts';

export interface RunInput {
  tag: string;
  runId: string;
  config: SmokeConfig;
  platforms: PlatformId[];
  reportsDir: string;
  cacheDir: string;
  /** false: touch nothing on GitHub (`--no-post`). */
  post: boolean;
  keepOnFailure: boolean;
  runUrl?: string;
  stepSummary?: string;
}

export interface RunDeps {
  github: GitHub;
  connect: Connect;
  onEvent: EventSink;
  now: () => Date;
}

export type RunOutcome =
  | Exclude<FindDraftResult, { kind: 'ready' }>
  | { kind: 'tested'; report: RunReport; reportDir: string; posted: PostOutcome | null };

/** The spine: find the draft, fetch and verify, test each platform on its host, report, post. */
export async function runSmoke(input: RunInput, deps: RunDeps): Promise<RunOutcome> {
  const { config } = input;
  const { onEvent } = deps;
  const draft = await findDraft(deps.github, { tag: input.tag, platforms: input.platforms, rules: config.release });
  if (draft.kind === 'waiting') onEvent({ kind: 'draft-waiting', tag: input.tag, missing: draft.missing });
  if (draft.kind !== 'ready') return draft;

  const startedAt = deps.now().toISOString();
  onEvent({ kind: 'run-started', tag: input.tag, repo: deps.github.repo, platforms: input.platforms });
  if (input.post) {
    await announceRun(deps.github, {
      release: draft.release,
      commit: draft.commit.sha,
      statusContext: config.statusContext,
      platformCount: input.platforms.length,
      ...(input.runUrl ? { runUrl: input.runUrl } : {}),
      data: { schema: 1, runId: input.runId, state: 'running', verdict: null, tag: input.tag, commit: draft.commit.sha, assetDigests: {}, startedAt, finishedAt: null },
    });
  }

  const fetched = await fetchAssets(deps.github, { release: draft.release, match: draft.match, cacheDir: input.cacheDir, onEvent });
  const pool = new HostPool(config.hosts, deps.connect);
  const limit = pLimit(Math.max(1, config.concurrency));
  let platforms: PlatformResult[];
  try {
    const common = { tag: input.tag, runId: input.runId, config, pool, keepOnFailure: input.keepOnFailure, onEvent };
    platforms = await Promise.all(fetched.platforms.map((f) => limit(() => testPlatform(f, common))));
  } finally {
    await pool.closeAll();
  }

  const assetDigests: Record<string, string> = {};
  for (const p of platforms) if (p.asset && p.sha256) assetDigests[p.asset] = p.sha256;
  const report: RunReport = {
    schema: 1,
    runId: input.runId,
    tag: input.tag,
    repo: deps.github.repo,
    releaseId: draft.release.id,
    commit: draft.commit.sha,
    verdict: runVerdict(platforms, input.platforms),
    startedAt,
    finishedAt: deps.now().toISOString(),
    checksumsSha256: fetched.checksumsSha256,
    assetDigests,
    platforms,
    insecureHosts: [...new Set(platforms.filter((p) => p.insecureHostKey && p.host).map((p) => p.host!))],
    ...(input.runUrl ? { runUrl: input.runUrl } : {}),
  };

  // The draft may have changed under us: a result for other bytes is never posted as a pass.
  if (input.post) {
    const stale = staleAssets(draft.release, await deps.github.getRelease(draft.release.id), assetDigests);
    if (stale.length > 0) {
      report.stale = stale;
      report.verdict = 'error';
      onEvent({ kind: 'warning', message: `stale result: ${stale.join(', ')} changed on the draft during the run` });
    }
  }

  const reportDir = await writeReports(report, input.reportsDir, {
    expected: input.platforms,
    ...(input.stepSummary ? { stepSummary: input.stepSummary } : {}),
  });
  const posted = input.post
    ? await postResults(deps.github, { report, tested: draft.release, statusContext: config.statusContext, expected: input.platforms })
    : null;
  onEvent({ kind: 'run-finished', verdict: report.verdict, reportDir });
  return { kind: 'tested', report, reportDir, posted };
}
