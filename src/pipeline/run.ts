import { join } from 'node:path';
import type { PlanItem } from '../checks/check.ts';
import { PLAN } from '../checks/plan.ts';
import { planColumns, planJobs } from '../checks/platform-job.ts';
import type { SmokeConfig } from '../config/types.ts';
import type { EventSink } from '../domain/events.ts';
import type { PlatformId } from '../domain/platform.ts';
import type { GitHub } from '../github/github.ts';
import { assetDigests, buildReport } from '../report/build-report.ts';
import { latestPublishedRelease } from '../release/previous-release.ts';
import { draftLinks } from '../report/draft-links.ts';
import { findDraft, type FindDraftResult } from '../stages/find-draft.ts';
import { staleAssets } from '../stages/post-results.ts';
import { DEFAULT_STALE_RUN_MS } from '../posting/section-data.ts';
import type { LockHolder } from '../cache/draft-lock.ts';
import { checkClock } from './check-clock.ts';
import { whileClaimed } from './claim-draft.ts';
import { deliverReport, type TestedOutcome } from './deliver-report.ts';
import type { Connect } from './host-pool.ts';
import type { HostTurns } from './host-turns.ts';
import { testJobs } from './test-jobs.ts';
import { cancelledReason, withAnnouncement } from './with-announcement.ts';

export interface RunInput {
  tag: string;
  runId: string;
  config: SmokeConfig;
  platforms: PlatformId[];
  reportsDir: string;
  /** Where `index.html` lists every run, when `reportsDir` is one repository's folder under it. */
  reportsIndexDir?: string;
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
  /** The plan's definition (`PLAN`); a test may add a check to it. */
  plan?: readonly PlanItem[];
}

export interface RunDeps {
  github: GitHub;
  connect: Connect;
  onEvent: EventSink;
  now: () => Date;
  /** Cancels the run (SIGTERM): probes stop, hosts are cleaned, the result is `error`, never `pending`. */
  signal?: AbortSignal;
  /** Host turns shared by every draft a watch tests: a freed host goes to the oldest draft's run. */
  hostTurns?: HostTurns;
}

export type RunOutcome =
  | Exclude<FindDraftResult, { kind: 'ready' }>
  /** Another run is testing this draft: nothing was tested or posted. */
  | { kind: 'busy'; tag: string; holder: LockHolder }
  | TestedOutcome;

type ReadyDraft = Extract<FindDraftResult, { kind: 'ready' }>;

/** The spine: find the draft, plan the jobs, fetch and test each, build the report, write it, post it. */
export async function runSmoke(input: RunInput, deps: RunDeps): Promise<RunOutcome> {
  const { config, tag, runId } = input;
  const draft = await findDraft(deps.github, { tag, platforms: input.platforms, rules: config.release });
  if (draft.kind === 'waiting') deps.onEvent({ kind: 'draft-waiting', tag, missing: draft.missing });
  if (draft.kind !== 'ready') return draft;
  const commit = draft.commit.sha;
  const published = latestPublishedRelease(await deps.github.listReleases(), config.release, tag) ?? null;
  const jobs = planJobs(draft.match.platforms, { tag, runId, commit, config, keepOnFailure: input.keepOnFailure, plan: input.plan ?? PLAN, published });
  for (const job of jobs.filter((j) => j.hosts.length === 0)) {
    deps.onEvent({ kind: 'warning', platform: job.platform, message: `no host for ${job.platform} in hosts.yaml: its archive is fetched, verified and judged here only; its row is error unless a check fails` });
  }
  return claimed(draft, input, deps, async () => {
    const startedAt = deps.now().toISOString();
    deps.onEvent({ kind: 'run-started', tag, repo: deps.github.repo, platforms: input.platforms });
    const data = { schema: 1, runId, state: 'running', verdict: null, tag, commit, assetDigests: {}, startedAt, finishedAt: null, ...(input.runner ? { runner: input.runner } : {}) } as const;
    const announcement = { release: draft.release, commit, config, data, platformCount: input.platforms.length, post: input.post, ...runUrlOf(input) };
    return withAnnouncement(announcement, deps, async () => {
      // Each check's start offset for the report's timeline, from when its event came.
      const clock = checkClock({ now: () => performance.now() });
      const hostShare = deps.hostTurns ? { turns: deps.hostTurns, rank: { createdAt: draft.release.created_at, tieBreak: `${deps.github.repo}@${tag}` } } : undefined;
      const ran = await testJobs(jobs, { release: draft.release, match: draft.match, config, cacheDir: input.cacheDir }, { ...deps, onEvent: clock.watch(deps.onEvent), ...(hostShare ? { hostShare } : {}) });
      const tested = { ...ran, platforms: clock.stamp(ran.platforms) };
      // The draft may have changed under us: a result for other bytes is never posted as a pass.
      const stale = input.post ? staleAssets(draft.release, await deps.github.getRelease(draft.release.id), assetDigests(tested.platforms)) : [];
      const cancelled = deps.signal?.aborted === true;
      const finishedAt = deps.now().toISOString();
      const report = { ...buildReport({ runId, tag, repo: deps.github.repo, releaseId: draft.release.id, commit, startedAt, finishedAt, ...tested, expected: input.platforms, plan: planColumns(jobs.map((j) => j.plan)), stale, cancelled, ...runUrlOf(input) }), ...draftLinks(draft.release.html_url, commit) };
      if (cancelled) deps.onEvent({ kind: 'warning', message: `${cancelledReason(deps.signal!)}: probes stopped, hosts cleaned` });
      if (stale.length > 0) deps.onEvent({ kind: 'warning', message: `stale result: ${stale.join(', ')} changed on the draft during the run` });
      // A cancelled run posts no partial matrix: its announcement is marked `error` (cancelled) instead.
      return deliverReport({ report, tested: draft.release, config, expected: input.platforms, reportsDir: input.reportsDir, ...(input.reportsIndexDir ? { indexDir: input.reportsIndexDir } : {}), post: input.post && !cancelled, ...stepSummaryOf(input) }, deps);
    });
  });
}

/** Two runs posting into one body would mix their sections: only one tests a draft at a time. */
async function claimed(draft: ReadyDraft, input: RunInput, deps: RunDeps, work: () => Promise<RunOutcome>): Promise<RunOutcome> {
  if (!input.post) return work();
  const lock = { lockDir: join(input.cacheDir, '.locks'), repo: deps.github.repo, release: draft.release, runId: input.runId, now: deps.now(), staleRunMs: input.staleRunMs ?? DEFAULT_STALE_RUN_MS };
  const outcome = await whileClaimed(deps.github, lock, work);
  return outcome.ok ? outcome.value : { kind: 'busy', tag: input.tag, holder: outcome.holder };
}

function runUrlOf(input: RunInput): { runUrl?: string } {
  return input.runUrl ? { runUrl: input.runUrl } : {};
}

function stepSummaryOf(input: RunInput): { stepSummary?: string } {
  return input.stepSummary ? { stepSummary: input.stepSummary } : {};
}
