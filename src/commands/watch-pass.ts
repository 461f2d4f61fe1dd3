import type { SmokeConfig } from '../config/types.ts';
import { errorText } from '../domain/errors.ts';
import type { EventSink } from '../domain/events.ts';
import type { PlatformId } from '../domain/platform.ts';
import type { Verdict } from '../domain/verdict.ts';
import type { GitHub } from '../github/github.ts';
import type { ListedPage } from '../github/list-releases-if-changed.ts';
import { runSmoke, type RunOutcome } from '../pipeline/run.ts';
import { chooseView } from '../progress/choose-view.ts';
import { assetsFingerprint, pickDrafts, type DraftDecision } from '../watch/pick-drafts.ts';
import type { CliIo } from './io.ts';
import { runDepsFor, runInputFor, type RunSettings } from './run-input.ts';
import { thisMachine } from '../hosts/this-machine.ts';
import { noRoomSinceLastRun } from './watch-no-room.ts';

/** What one watch remembers between polls. Only an optimisation: "tested" lives in the drafts' bodies. */
export interface WatchState {
  /** The listing's pages as last seen, each with its ETag; null lists everything again. */
  pages: ListedPage[] | null;
  /** When a draft skipped for a run in progress counts as killed: list then, even if unchanged. */
  recheckAt: number | null;
  /** Release id → assets fingerprint when this watch tested it (see PickDraftsOptions.testedHere). */
  testedHere: Map<number, string>;
}

export interface WatchContext {
  config: SmokeConfig;
  github: GitHub;
  settings: RunSettings;
  io: CliIo;
  /** The watch's own log: decisions and warnings. */
  onEvent: EventSink;
  signal: AbortSignal;
  /** Look only at drafts with these tags (`--tag`): one job per draft in a workflow. */
  onlyTags?: string[];
}

export interface PassResult {
  /** false: the listing was unchanged (a 304) and nothing was looked at. */
  listed: boolean;
  verdicts: Verdict[];
  /** Drafts whose run threw instead of giving a verdict. */
  errors: number;
}

const LABEL: Record<DraftDecision['action'], string> = { test: 'testing', skip: 'skipped', 'skip-running': 'skipped', wait: 'waiting' };

/** One poll: list the releases if they changed, decide per draft, and test those that need it, one at a time. */
export async function watchPass(ctx: WatchContext, state: WatchState): Promise<PassResult> {
  const recheck = state.recheckAt !== null && Date.now() >= state.recheckAt;
  const listing = await ctx.github.listReleasesIfChanged(recheck ? null : state.pages);
  if (!listing.changed) return { listed: false, verdicts: [], errors: 0 };
  state.pages = listing.pages;
  state.recheckAt = null;

  const { config } = ctx;
  const platforms = [...config.platforms.keys()];
  const releases = ctx.onlyTags ? listing.releases.filter((r) => ctx.onlyTags?.includes(r.tag_name)) : listing.releases;
  const plan = pickDrafts(releases, { platforms, rules: config.release, now: new Date(), testedHere: state.testedHere, here: thisMachine() });
  const info = (message: string) => ctx.onEvent({ kind: 'info', message });
  if (plan.length === 0) info(`no drafts of ${ctx.github.repo} to test`);
  const result: PassResult = { listed: true, verdicts: [], errors: 0 };
  for (const planned of plan) {
    const noRoom = planned.action === 'test' ? await noRoomSinceLastRun(ctx.github, planned.release, config.statusContext) : null;
    const decision: DraftDecision = noRoom === null ? planned : { action: 'skip', release: planned.release, reason: noRoom };
    info(`${decision.release.tag_name}: ${LABEL[decision.action]}: ${decision.reason}`);
    if (decision.action === 'skip-running') state.recheckAt = Math.min(state.recheckAt ?? Infinity, decision.recheckAt);
    if (decision.action !== 'test' || ctx.signal.aborted) continue;
    try {
      const outcome = await testDraft(ctx, decision.release.tag_name, platforms);
      if (outcome.kind === 'tested') {
        result.verdicts.push(outcome.report.verdict);
        state.testedHere.set(decision.release.id, assetsFingerprint(decision.release));
        if (outcome.reportProblem !== undefined) ctx.onEvent({ kind: 'warning', message: `${decision.release.tag_name}: ${outcome.reportProblem}` });
        info(`${decision.release.tag_name}: ${outcome.report.verdict}${outcome.reportProblem === undefined ? `; reports in ${outcome.reportDir}` : ''}`);
      } else {
        info(`${decision.release.tag_name}: not tested (${outcome.kind})`);
      }
    } catch (error) {
      result.errors += 1;
      // Nothing on GitHub changed, so the next poll would be all 304s: look at every draft again.
      state.pages = null;
      ctx.onEvent({ kind: 'warning', message: `${decision.release.tag_name}: run stopped: ${errorText(error)}` });
    }
  }
  return result;
}

async function testDraft(ctx: WatchContext, tag: string, platforms: PlatformId[]): Promise<RunOutcome> {
  const view = chooseView(ctx.io, { json: false });
  try {
    return await runSmoke(runInputFor(tag, ctx.config, platforms, ctx.settings, ctx.io.env), runDepsFor(ctx.github, view.onEvent));
  } finally {
    view.close();
  }
}
