import type { SmokeConfig } from '../config/types.ts';
import { errorText } from '../domain/errors.ts';
import type { EventSink } from '../domain/events.ts';
import type { Verdict } from '../domain/verdict.ts';
import type { GitHub } from '../github/github.ts';
import type { ListedPage } from '../github/list-releases-if-changed.ts';
import type { Release } from '../github/types.ts';
import type { HostTurns } from '../pipeline/host-turns.ts';
import { runSmoke, type RunOutcome } from '../pipeline/run.ts';
import { chooseView } from '../progress/choose-view.ts';
import { assetsFingerprint, pickDrafts, type DraftDecision } from '../watch/pick-drafts.ts';
import type { CliIo } from './io.ts';
import { runDepsFor, runInputFor, type RunSettings } from './run-input.ts';
import { thisMachine } from '../hosts/this-machine.ts';
import { noRoomSinceLastRun } from './watch-no-room.ts';

/** What one watch remembers of a repository between polls. Only an optimisation: "tested" lives in the drafts' bodies. */
export interface WatchState {
  /** The listing's pages as last seen, each with its ETag; null lists everything again. */
  pages: ListedPage[] | null;
  /** When a draft skipped for a run in progress counts as killed: list then, even if unchanged. */
  recheckAt: number | null;
  /** Release id → assets fingerprint when this watch tested it (see PickDraftsOptions.testedHere). */
  testedHere: Map<number, string>;
}

/** One repository the watch polls: its config (its own release rules), its GitHub adapter and its state. */
export interface WatchedRepository {
  config: SmokeConfig;
  github: GitHub;
  state: WatchState;
}

export interface WatchContext {
  repositories: WatchedRepository[];
  settings: RunSettings;
  io: CliIo;
  /** The watch's own log: decisions and warnings. */
  onEvent: EventSink;
  /** Cancels every running draft (SIGTERM): probes stop, hosts are cleaned. */
  signal: AbortSignal;
  /** Shared by every draft being tested: one platform run per host, the oldest draft first. */
  hostTurns: HostTurns;
  /** Look only at drafts with these tags (`--tag`): one job per draft in a workflow. */
  onlyTags?: string[];
  /**
   * The drafts this watch is testing now (`owner/name#release id`), with their outcome to come:
   * a continuous watch polls on while they run, and never starts a draft twice.
   */
  inFlight: Map<string, Promise<DraftOutcome>>;
}

export interface PassResult {
  /** false: every listing was unchanged (a 304) and nothing was looked at. */
  listed: boolean;
  verdicts: Verdict[];
  /** Drafts whose run threw instead of giving a verdict, and repositories that could not be polled. */
  errors: number;
}

const LABEL: Record<DraftDecision['action'], string> = { test: 'testing', skip: 'skipped', 'skip-running': 'skipped', wait: 'waiting' };

interface DraftToTest {
  watched: WatchedRepository;
  release: Release;
}

/**
 * One pass (`--once`): a poll of every repository, then every draft it picked tested at once,
 * sharing the hosts (a freed host goes to the oldest draft); it ends when they have.
 */
export async function watchPass(ctx: WatchContext): Promise<PassResult> {
  const polled = await poll(ctx);
  const outcomes = await Promise.all(polled.started);
  const result: PassResult = { listed: polled.listed, verdicts: [], errors: polled.errors };
  for (const outcome of outcomes) {
    if (outcome.kind === 'verdict') result.verdicts.push(outcome.verdict);
    if (outcome.kind === 'error') result.errors += 1;
  }
  return result;
}

export interface Poll {
  /** false: every listing was unchanged (a 304) and nothing was looked at. */
  listed: boolean;
  /** Repositories that could not be polled (several repositories only; one alone throws). */
  errors: number;
  /** The tests this poll started, each also in `ctx.inFlight` until it ends. */
  started: Promise<DraftOutcome>[];
}

/**
 * One poll of every repository: list its releases if they changed, decide per draft, and start
 * testing each draft that needs it and is not being tested already; it does not wait for them.
 * With several repositories, one that cannot be polled is a warning naming it.
 */
export async function poll(ctx: WatchContext): Promise<Poll> {
  const polled: Poll = { listed: false, errors: 0, started: [] };
  const drafts: DraftToTest[] = [];
  for (const watched of ctx.repositories) {
    let picked: Release[] | null;
    try {
      picked = await decide(ctx, watched);
    } catch (error) {
      // One repository alone: the caller says so (a --once exit, a continuous watch's retry).
      if (ctx.repositories.length === 1) throw error;
      polled.errors += 1;
      ctx.onEvent({ kind: 'warning', message: `${watched.github.repo}: poll failed: ${errorText(error)}; the other repositories go on` });
      continue;
    }
    if (picked === null) continue;
    polled.listed = true;
    drafts.push(...picked.map((release) => ({ watched, release })));
  }
  // Each draft has its own log lines once several run at once: they name their draft.
  const labelled = drafts.length + ctx.inFlight.size > 1;
  for (const draft of drafts) {
    const key = inFlightKey(draft.watched, draft.release);
    const outcome = testOne(ctx, draft, labelled).finally(() => ctx.inFlight.delete(key));
    ctx.inFlight.set(key, outcome);
    polled.started.push(outcome);
  }
  return polled;
}

function inFlightKey(watched: WatchedRepository, release: Release): string {
  return `${watched.github.repo}#${release.id}`;
}

/** The drafts of one repository to test now; null when its listing did not change. */
async function decide(ctx: WatchContext, watched: WatchedRepository): Promise<Release[] | null> {
  const { config, github, state } = watched;
  const recheck = state.recheckAt !== null && Date.now() >= state.recheckAt;
  const listing = await github.listReleasesIfChanged(recheck ? null : state.pages);
  if (!listing.changed) return null;
  state.pages = listing.pages;
  state.recheckAt = null;

  const platforms = [...config.platforms.keys()];
  const releases = ctx.onlyTags ? listing.releases.filter((r) => ctx.onlyTags?.includes(r.tag_name)) : listing.releases;
  // A draft this watch is testing has changed under our own announcement: nothing to decide.
  const notInFlight = releases.filter((r) => !ctx.inFlight.has(inFlightKey(watched, r)));
  const plan = pickDrafts(notInFlight, { platforms, rules: config.release, now: new Date(), testedHere: state.testedHere, here: thisMachine() });
  const info = (message: string) => ctx.onEvent({ kind: 'info', message });
  if (plan.length === 0) info(`no ${notInFlight.length < releases.length ? 'other ' : ''}drafts of ${github.repo} to test`);
  const toTest: Release[] = [];
  for (const planned of plan) {
    const noRoom = planned.action === 'test' ? await noRoomSinceLastRun(github, planned.release, config.statusContext) : null;
    const decision: DraftDecision = noRoom === null ? planned : { action: 'skip', release: planned.release, reason: noRoom };
    info(`${github.repo} ${decision.release.tag_name}: ${LABEL[decision.action]}: ${decision.reason}`);
    if (decision.action === 'skip-running') state.recheckAt = Math.min(state.recheckAt ?? Infinity, decision.recheckAt);
    if (decision.action === 'test' && !ctx.signal.aborted) toTest.push(decision.release);
  }
  return toTest;
}

export type DraftOutcome = { kind: 'verdict'; verdict: Verdict } | { kind: 'error' } | { kind: 'none' };

async function testOne(ctx: WatchContext, draft: DraftToTest, labelled: boolean): Promise<DraftOutcome> {
  const { watched, release } = draft;
  const name = `${watched.github.repo} ${release.tag_name}`;
  const info = (message: string) => ctx.onEvent({ kind: 'info', message });
  try {
    const outcome = await testDraft(ctx, watched, release.tag_name, labelled ? name : undefined);
    if (outcome.kind !== 'tested') {
      info(`${name}: not tested (${outcome.kind})`);
      return { kind: 'none' };
    }
    watched.state.testedHere.set(release.id, assetsFingerprint(release));
    if (outcome.reportProblem !== undefined) ctx.onEvent({ kind: 'warning', message: `${name}: ${outcome.reportProblem}` });
    info(`${name}: ${outcome.report.verdict}${outcome.reportProblem === undefined ? `; reports in ${outcome.reportDir}` : ''}`);
    return { kind: 'verdict', verdict: outcome.report.verdict };
  } catch (error) {
    // Nothing on GitHub changed, so the next poll would be all 304s: look at every draft again.
    watched.state.pages = null;
    ctx.onEvent({ kind: 'warning', message: `${name}: run stopped: ${errorText(error)}` });
    return { kind: 'error' };
  }
}

async function testDraft(ctx: WatchContext, watched: WatchedRepository, tag: string, label: string | undefined): Promise<RunOutcome> {
  const view = chooseView(ctx.io, { json: false, ...(label === undefined ? {} : { label }) });
  const platforms = [...watched.config.platforms.keys()];
  try {
    const input = runInputFor(tag, watched.config, platforms, ctx.settings, ctx.io.env);
    return await runSmoke(input, runDepsFor(watched.github, view.onEvent, { signal: ctx.signal, hostTurns: ctx.hostTurns }));
  } finally {
    view.close();
  }
}
