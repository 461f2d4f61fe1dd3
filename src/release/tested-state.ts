import type { Release } from '../domain/github-types.ts';
import type { SectionData } from '../posting/section-data.ts';

/** What the draft's body says about its last test, compared with the draft as it is now. */
export type TestedState =
  | { kind: 'untested' }
  | { kind: 'running'; runId: string; startedAt: string; runner?: { hostname: string; pid: number } }
  | { kind: 'stale'; reasons: string[]; data: SectionData }
  | { kind: 'current'; data: SectionData & { verdict: 'pass' | 'fail' | 'error' } };

export interface CurrentDraft {
  release: Pick<Release, 'assets'>;
  /** The archive names every expected platform must have been tested with. */
  expectedAssets: string[];
  /** The commit the draft resolves to now; null when not resolved (watch skips that request). */
  commit: string | null;
}

/**
 * Pure: whether the posted result still describes the draft. Stale when an expected archive
 * was re-uploaded (its GitHub digest differs), was never tested, or the commit moved. An asset
 * without a GitHub digest cannot be confirmed unchanged, so it counts as stale: a gate must not
 * pass on a guess.
 */
export function testedState(data: SectionData | null, now: CurrentDraft): TestedState {
  if (!data) return { kind: 'untested' };
  if (data.state === 'running' || data.verdict === null) {
    return { kind: 'running', runId: data.runId, startedAt: data.startedAt, ...(data.runner ? { runner: data.runner } : {}) };
  }
  const reasons: string[] = [];
  if (now.commit !== null && data.commit !== now.commit) {
    reasons.push(`the draft now points at commit ${now.commit.slice(0, 12)}, the result is for ${(data.commit ?? 'unknown').slice(0, 12)}`);
  }
  for (const name of now.expectedAssets) {
    const tested = data.assetDigests[name];
    const asset = now.release.assets.find((a) => a.name === name);
    if (!tested) reasons.push(`${name} was not tested`);
    else if (!asset) reasons.push(`${name} is no longer on the draft`);
    else if (!asset.digest) reasons.push(`${name} has no GitHub digest, so it cannot be confirmed unchanged`);
    else if (asset.digest !== `sha256:${tested}`) reasons.push(`${name} was re-uploaded since it was tested`);
  }
  if (reasons.length > 0) return { kind: 'stale', reasons, data };
  return { kind: 'current', data: { ...data, verdict: data.verdict } };
}
