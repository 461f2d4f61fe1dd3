import type { PlatformResult } from '../domain/verdict.ts';
import { truncateEnd } from '../domain/text-safety.ts';
import type { ReleaseAsset } from '../github/types.ts';
import { rowAsResult, type PlatformRow } from './platform-rows.ts';
import type { SectionData } from './section-data.ts';
import { MAX_STATUS_DESCRIPTION, statusDescription, type CommitState } from './status-description.ts';

export interface DraftNow {
  /** Every platform the draft must cover (all configured, whatever a run narrowed to), with its archive's name. */
  expected: readonly { platform: string; name: string }[];
  assets: readonly Pick<ReleaseAsset, 'name' | 'digest'>[];
  /** The commit the draft resolves to now; null when unknown (then rows are not judged by it). */
  commit: string | null;
}

export type RowStanding = 'current' | 'stale' | 'untested';

export interface JudgedPlatform {
  platform: string;
  standing: RowStanding;
  row: PlatformRow | null;
  /** Why the row does not speak for the draft as it is now (stale or untested). */
  reason?: string;
}

export interface DraftJudgement {
  /** `success` only when every expected platform has a current pass. */
  state: CommitState;
  /** The commit status's description; the gate prints it too. */
  description: string;
  /** Why it is not green, one entry per platform that is not a current pass. */
  reasons: string[];
  platforms: JudgedPlatform[];
  /** The runs whose rows are current, oldest first. */
  runIds: string[];
}

/**
 * The one rule the commit status and `smoke gate` share. Pure: the section's rows against the
 * draft as it is now. A platform counts only with a row for the current commit and the asset's
 * current digest (a row for other bytes is stale). The worst current row decides (`failure`,
 * then `error`); with none bad, anything untested or stale keeps it `pending`, named.
 */
export function judgeDraft(data: SectionData | null, now: DraftNow): DraftJudgement {
  if (!data) return gap(now, 'never tested');
  if (data.state === 'running' || data.verdict === null) return { ...gap(now, `being tested (run ${data.runId})`), description: `testing (run ${data.runId})` };
  const rows = rowsOf(data, now);
  const platforms = now.expected.map((e) => standingOf(e, rows.find((r) => r.platform === e.platform) ?? null, now));
  const current = platforms.filter((p) => p.standing === 'current').map((p) => rowAsResult(p.row!));
  const notCurrent = platforms.filter((p) => p.standing !== 'current');
  const reasons = notCurrent.map((p) => p.reason ?? `${p.platform} was not tested`);
  const runIds = [...new Set(platforms.flatMap((p) => (p.standing === 'current' ? [p.row!.runId] : [])))];
  const worst = current.some((p) => p.verdict === 'fail') ? 'failure' : current.some((p) => p.verdict === 'error') ? 'error' : null;
  if (worst) {
    const bad = current.filter((p) => p.verdict !== 'pass');
    const gaps = notCurrent.length > 0 ? `; not current: ${notCurrent.map((p) => p.platform).join(', ')}` : '';
    return { state: worst, description: clip(`${describeBad(bad)}${gaps}`), reasons: [...bad.map(badReason), ...reasons], platforms, runIds };
  }
  if (notCurrent.length > 0) return { state: 'pending', description: pendingDescription(platforms), reasons, platforms, runIds };
  const total = now.expected.length;
  if (total === 0) return { state: 'error', description: 'no platforms expected (error)', reasons: ['no platforms are expected'], platforms, runIds };
  return { state: 'success', description: `${total}/${total} platforms passed`, reasons: [], platforms, runIds };
}

function gap(now: DraftNow, why: string): DraftJudgement {
  const platforms = now.expected.map((e) => ({ platform: e.platform, standing: 'untested' as const, row: null, reason: `${e.platform} was not tested` }));
  return { state: 'pending', description: clip(`${why}; untested: ${platforms.map((p) => p.platform).join(', ')}`), reasons: [why], platforms, runIds: [] };
}

function standingOf(expected: DraftNow['expected'][number], row: PlatformRow | null, now: DraftNow): JudgedPlatform {
  const { platform, name } = expected;
  if (!row) return { platform, standing: 'untested', row, reason: `${platform} was not tested` };
  if (now.commit !== null && row.commit !== now.commit) {
    return { platform, standing: 'untested', row, reason: `${platform} was tested at commit ${(row.commit ?? 'unknown').slice(0, 12)}, the draft now points at ${now.commit.slice(0, 12)}` };
  }
  const asset = now.assets.find((a) => a.name === name);
  const stale = (reason: string): JudgedPlatform => ({ platform, standing: 'stale', row, reason });
  if (row.asset !== name) return stale(`${platform} was tested with another asset than ${name}`);
  // No digest: the asset never arrived whole (a cut download). A failure or error for this
  // commit still stands; only a pass needs the bytes confirmed.
  if (row.sha256 === null) return row.verdict === 'pass' ? stale(`${platform} passed without a digest to confirm`) : { platform, standing: 'current', row };
  if (!asset) return stale(`${name} is no longer on the draft`);
  // Without GitHub's digest the bytes cannot be confirmed unchanged: a gate must not pass on a guess.
  if (!asset.digest) return stale(`${name} has no GitHub digest, so it cannot be confirmed unchanged`);
  if (asset.digest !== `sha256:${row.sha256}`) return stale(`${name} was re-uploaded since it was tested`);
  return { platform, standing: 'current', row };
}

/**
 * The section's rows. A section written before rows were kept says only which assets its run
 * tested and the run's verdict: each of those platforms gets that verdict.
 */
export function rowsOf(data: SectionData, now: Pick<DraftNow, 'expected'>): PlatformRow[] {
  if (data.platforms) return data.platforms;
  if (data.verdict === null || data.finishedAt === null) return [];
  const { verdict, finishedAt } = data;
  return now.expected.flatMap((e) => {
    const sha256 = data.assetDigests[e.name];
    return sha256 ? [{ platform: e.platform, asset: e.name, sha256, commit: data.commit, runId: data.runId, finishedAt, host: null, verdict, checks: {} }] : [];
  });
}

function describeBad(bad: readonly PlatformResult[]): string {
  return statusDescription(bad);
}

function badReason(p: PlatformResult): string {
  const check = p.checks.find((c) => c.status === p.verdict) ?? p.checks.find((c) => c.status !== 'pass');
  const what = p.verdict === 'fail' ? 'failed' : 'errored';
  return `${p.platform} ${what}${check ? ` at ${check.name}${check.detail ? `: ${check.detail}` : ''}` : ''}`;
}

function pendingDescription(platforms: readonly JudgedPlatform[]): string {
  const passed = platforms.filter((p) => p.standing === 'current').length;
  const untested = platforms.filter((p) => p.standing === 'untested').map((p) => p.platform);
  const stale = platforms.filter((p) => p.standing === 'stale').map((p) => p.platform);
  const parts = [`${passed}/${platforms.length} platforms passed`];
  if (untested.length > 0) parts.push(`untested: ${untested.join(', ')}`);
  if (stale.length > 0) parts.push(`stale: ${stale.join(', ')}`);
  return clip(parts.join('; '));
}

function clip(text: string): string {
  return truncateEnd(text, MAX_STATUS_DESCRIPTION);
}
