import type { ReleaseRules } from '../config/types.ts';
import type { PlatformId } from '../domain/platform.ts';
import { extractSection, parseSectionData } from '../posting/body-section.ts';
import { DEFAULT_STALE_RUN_MS, runningUntil } from '../posting/section-data.ts';
import type { Release } from '../github/types.ts';
import { expectedAssets } from '../release/asset-names.ts';
import { matchDraft } from '../release/match-draft.ts';
import { isReleaseTag } from '../release/tag-pattern.ts';
import { testedState } from '../release/tested-state.ts';

export { DEFAULT_STALE_RUN_MS };

export type DraftDecision =
  | { action: 'test'; release: Release; reason: string }
  | { action: 'skip'; release: Release; reason: string }
  /** Another run is in progress; `recheckAt` (ms since epoch) is when it counts as killed. */
  | { action: 'skip-running'; release: Release; reason: string; recheckAt: number }
  | { action: 'wait'; release: Release; reason: string; missing: string[] };

export interface PickDraftsOptions {
  platforms: readonly PlatformId[];
  rules: Pick<ReleaseRules, 'tagPattern' | 'assetPattern' | 'checksumsAsset'>;
  now: Date;
  staleRunMs?: number;
  /**
   * Drafts this process already tested, by release id, with `assetsFingerprint` at the time. A
   * loop guard only: a result that can never be current (an archive that failed to download
   * has no digest, and `--no-post` posts nothing) must not be retested on every poll.
   */
  testedHere?: ReadonlyMap<number, string>;
  /**
   * This machine, to recognise a killed run: a `running` section whose runner is this hostname
   * and whose pid is gone was abandoned, whatever its age.
   */
  here?: { hostname: string; isAlive: (pid: number) => boolean };
}

/**
 * Pure: which drafts need testing, from the releases as listed. "Already tested" is read from
 * the result posted in each draft's body, so it survives restarts. Tags that are not ours and
 * published releases are left out. The commit is not resolved (it costs a request per draft):
 * a moved commit alone does not trigger a test.
 */
export function pickDrafts(releases: readonly Release[], options: PickDraftsOptions): DraftDecision[] {
  const staleRunMs = options.staleRunMs ?? DEFAULT_STALE_RUN_MS;
  const ours = releases.filter((r) => r.draft && isReleaseTag(r.tag_name, options.rules.tagPattern));
  return ours.map((release) => decide(release, options, staleRunMs));
}

function decide(release: Release, options: PickDraftsOptions, staleRunMs: number): DraftDecision {
  const match = matchDraft(release, { platforms: options.platforms, rules: options.rules });
  if (!match.complete) {
    return { action: 'wait', release, missing: match.missing, reason: `waiting for assets: ${match.missing.join(', ')}` };
  }
  const names = expectedAssets(options.rules, release.tag_name, options.platforms).map((a) => a.name);
  const data = parseSectionData(extractSection(release.body ?? null) ?? '');
  const state = testedState(data, { release, expectedAssets: names, commit: null });
  const testedHere = options.testedHere?.get(release.id);
  if (state.kind !== 'current' && state.kind !== 'running' && testedHere === assetsFingerprint(release)) {
    return { action: 'skip', release, reason: 'already tested by this watch, and its assets have not changed since' };
  }
  switch (state.kind) {
    case 'untested':
      return { action: 'test', release, reason: 'never tested' };
    case 'stale':
      return { action: 'test', release, reason: `result of run ${state.data.runId} is stale: ${state.reasons.join('; ')}` };
    case 'current':
      return { action: 'skip', release, reason: `already tested: run ${state.data.runId} ended in ${state.data.verdict}` };
    case 'running': {
      const { runner } = state;
      if (runner && options.here && runner.hostname === options.here.hostname && !options.here.isAlive(runner.pid)) {
        return { action: 'test', release, reason: `run ${state.runId} was killed (its process ${runner.pid} on this machine is gone): testing again` };
      }
      const recheckAt = runningUntil(state.startedAt, staleRunMs);
      if (options.now.getTime() >= recheckAt) {
        return { action: 'test', release, reason: `run ${state.runId} started ${state.startedAt} and never finished: testing again` };
      }
      return { action: 'skip-running', release, recheckAt, reason: `run ${state.runId} is in progress (started ${state.startedAt})` };
    }
  }
}

/** What identifies the bytes on a draft: a re-upload gives the asset a new id and digest. */
export function assetsFingerprint(release: Pick<Release, 'assets'>): string {
  return release.assets
    .map((a) => `${a.name}:${a.id}:${a.digest ?? a.updated_at}`)
    .sort()
    .join('\n');
}
