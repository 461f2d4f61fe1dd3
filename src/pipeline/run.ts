import { join } from 'node:path';
import pLimit from 'p-limit';
import type { SmokeConfig } from '../config/types.ts';
import type { EventSink } from '../domain/events.ts';
import type { PlatformId } from '../domain/platform.ts';
import type { RunReport } from '../domain/report.ts';
import type { PlatformResult } from '../domain/verdict.ts';
import type { GitHub } from '../github/github.ts';
import { draftLinks } from '../report/draft-links.ts';
import { runVerdict } from '../report/verdict-rules.ts';
import { tryWriteReports } from '../report/write-reports.ts';
import { startFetch, type FetchingAssets } from '../stages/fetch-assets.ts';
import { findDraft, type FindDraftResult } from '../stages/find-draft.ts';
import { abandonRun } from '../stages/abandon-run.ts';
import { announceRun, postResults, staleAssets, type PostOutcome } from '../stages/post-results.ts';
import { DEFAULT_STALE_RUN_MS } from '../stages/pick-drafts.ts';
import { claimDraft, type LockHolder } from './draft-lock.ts';
import { checkClock, type CheckClock } from './check-clock.ts';
import { HostPool, type Connect } from './host-pool.ts';
import { inspectInput } from './inspect-input.ts';
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
  /** A `running` section of another run older than this was left by a killed run (default 2 h). */
  staleRunMs?: number;
  /** This process, written into the `running` section: a watch here can tell when it was killed. */
  runner?: { hostname: string; pid: number };
}

export interface RunDeps {
  github: GitHub;
  connect: Connect;
  onEvent: EventSink;
  now: () => Date;
  /** Cancels the run (SIGTERM): probes stop, hosts are cleaned, the result is `error`, never `pending`. */
  signal?: AbortSignal;
}

export type RunOutcome =
  | Exclude<FindDraftResult, { kind: 'ready' }>
  /** Another run is testing this draft: nothing was tested or posted. */
  | { kind: 'busy'; tag: string; holder: LockHolder }
  /** `reportProblem`: the reports could not be written to `reportDir` (a full disk); the verdict stands and was posted. */
  | { kind: 'tested'; report: RunReport; reportDir: string; reportProblem?: string; posted: PostOutcome | null };

/** The spine: find the draft, fetch and verify, test each platform on its host, report, post. */
export async function runSmoke(input: RunInput, deps: RunDeps): Promise<RunOutcome> {
  const { config } = input;
  const { onEvent } = deps;
  const draft = await findDraft(deps.github, { tag: input.tag, platforms: input.platforms, rules: config.release });
  if (draft.kind === 'waiting') onEvent({ kind: 'draft-waiting', tag: input.tag, missing: draft.missing });
  if (draft.kind !== 'ready') return draft;
  if (!input.post) return testDraft(draft, input, deps);

  // Two runs posting into one body would mix their sections: only one tests a draft at a time.
  const claim = await claimDraft(deps.github, {
    lockDir: join(input.cacheDir, '.locks'),
    repo: deps.github.repo,
    release: draft.release,
    runId: input.runId,
    now: deps.now(),
    staleRunMs: input.staleRunMs ?? DEFAULT_STALE_RUN_MS,
  });
  if (!claim.ok) return { kind: 'busy', tag: input.tag, holder: claim.holder };
  try {
    return await testDraft(draft, input, deps);
  } finally {
    await claim.release();
  }
}

async function testDraft(draft: Extract<FindDraftResult, { kind: 'ready' }>, input: RunInput, deps: RunDeps): Promise<RunOutcome> {
  const { config } = input;
  const clock = checkClock({ now: () => performance.now() });
  const onEvent = clock.watch(deps.onEvent);
  const startedAt = deps.now().toISOString();
  onEvent({ kind: 'run-started', tag: input.tag, repo: deps.github.repo, platforms: input.platforms });
  const data = { schema: 1, runId: input.runId, state: 'running', verdict: null, tag: input.tag, commit: draft.commit.sha, assetDigests: {}, startedAt, finishedAt: null, ...(input.runner ? { runner: input.runner } : {}) } as const;
  const abandon = async (reason: string) => {
    const problems = await abandonRun(deps.github, { release: draft.release, commit: draft.commit.sha, data, statusContext: config.statusContext, reason, finishedAt: deps.now().toISOString(), ...(input.runUrl ? { runUrl: input.runUrl } : {}) });
    for (const problem of problems) onEvent({ kind: 'warning', message: `could not mark the run as ended: ${problem}` });
  };
  if (input.post) {
    await announceRun(deps.github, {
      release: draft.release,
      commit: draft.commit.sha,
      statusContext: config.statusContext,
      platformCount: input.platforms.length,
      ...(input.runUrl ? { runUrl: input.runUrl } : {}),
      data: { ...data, assetDigests: {} },
    });
  }
  // Announced: from here on the status must not stay `pending`, whatever happens.
  try {
    const outcome = await testAnnounced(draft, input, { ...deps, onEvent }, { startedAt, clock });
    if (input.post && deps.signal?.aborted) await abandon(cancelledReason(deps.signal));
    return outcome;
  } catch (error) {
    if (input.post) await abandon(error instanceof Error ? error.message : String(error));
    throw error;
  }
}

function cancelledReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? `cancelled by ${signal.reason}` : 'cancelled';
}

async function testAnnounced(
  draft: Extract<FindDraftResult, { kind: 'ready' }>,
  input: RunInput,
  deps: RunDeps,
  timing: { startedAt: string; clock: CheckClock },
): Promise<RunOutcome> {
  const { startedAt } = timing;
  const { config } = input;
  const { onEvent } = deps;
  const pool = new HostPool(config.hosts, deps.connect);
  const limit = pLimit(Math.max(1, config.concurrency));
  let fetched: FetchingAssets;
  let platforms: PlatformResult[];
  try {
    // Each platform starts as soon as its own archive is verified, while the next one downloads;
    // its host's SSH handshake runs during its download (the host sees no bytes before they pass).
    fetched = await startFetch(deps.github, {
      release: draft.release,
      match: draft.match,
      cacheDir: input.cacheDir,
      onEvent,
      inspect: (platform, assetName) => inspectInput(config, platform, assetName),
      onDownloadStart: (platform) => pool.prepare(platform),
    });
    const common = { tag: input.tag, runId: input.runId, config, pool, keepOnFailure: input.keepOnFailure, onEvent, ...(deps.signal ? { signal: deps.signal } : {}) };
    platforms = timing.clock.stamp(await Promise.all(fetched.platforms.map(async (f) => {
      const got = await f;
      return limit(() => testPlatform(got, common));
    })));
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
    ...draftLinks(draft.release.html_url, draft.commit.sha),
  };

  if (deps.signal?.aborted) {
    report.verdict = 'error';
    onEvent({ kind: 'warning', message: `${cancelledReason(deps.signal)}: probes stopped, hosts cleaned` });
  }
  // The draft may have changed under us: a result for other bytes is never posted as a pass.
  if (input.post) {
    const stale = staleAssets(draft.release, await deps.github.getRelease(draft.release.id), assetDigests);
    if (stale.length > 0) {
      report.stale = stale;
      report.verdict = 'error';
      onEvent({ kind: 'warning', message: `stale result: ${stale.join(', ')} changed on the draft during the run` });
    }
  }

  // A full reports disk is a local problem: the verdict is known and is still posted.
  const reports = await tryWriteReports(report, input.reportsDir, {
    expected: input.platforms,
    ...(input.stepSummary ? { stepSummary: input.stepSummary } : {}),
  });
  if (!reports.ok) onEvent({ kind: 'warning', message: reports.problem });
  // A cancelled run posts no partial matrix: the caller marks it `error` (cancelled) instead.
  const posted = input.post && !deps.signal?.aborted
    ? await postResults(deps.github, { report, tested: draft.release, statusContext: config.statusContext, expected: input.platforms })
    : null;
  onEvent({ kind: 'run-finished', verdict: report.verdict, ...(reports.ok ? { reportDir: reports.dir } : {}) });
  return { kind: 'tested', report, reportDir: reports.dir, ...(reports.ok ? {} : { reportProblem: reports.problem }), posted };
}
