import { z } from 'zod';
import type { RunReport } from '../domain/report.ts';
import type { CheckResult, PlatformResult } from '../domain/verdict.ts';
import { truncateEnd } from '../domain/text-safety.ts';

/**
 * One platform's latest result as the section keeps it: what was tested (asset, digest, commit),
 * by which run, and how each check ended. A later run for other platforms keeps this row, so a
 * draft can be covered by several runs and the gate still reads every platform.
 */
export interface PlatformRow {
  platform: string;
  asset: string | null;
  sha256: string | null;
  commit: string | null;
  runId: string;
  finishedAt: string;
  host: string | null;
  verdict: 'pass' | 'fail' | 'error';
  /** The checks that did not pass, name to status, in run order: every other check of the plan passed. */
  checks: Record<string, 'pass' | 'fail' | 'error' | 'skipped'>;
  /** An `error` row's first check that did not pass, in one short line: what the status names. */
  problem?: { name: string; detail: string };
}

/**
 * The row as stored in the data comment: what the section says once (run, commit, finish time,
 * digest) is left out of its own rows, so four platforms fit the one-line comment and a body
 * near GitHub's limit still takes the one-line form.
 */
export const storedRowSchema = z.object({
  platform: z.string(),
  asset: z.string().nullable(),
  sha256: z.string().nullable().optional(),
  commit: z.string().nullable().optional(),
  runId: z.string().optional(),
  finishedAt: z.string().optional(),
  host: z.string().nullable(),
  verdict: z.enum(['pass', 'fail', 'error']),
  checks: z.record(z.string(), z.enum(['pass', 'fail', 'error', 'skipped'])).optional(),
  problem: z.object({ name: z.string(), detail: z.string() }).optional(),
});
export type StoredRow = z.infer<typeof storedRowSchema>;

/** What a section says once for its own run. */
export interface RowDefaults {
  runId: string;
  commit: string | null;
  finishedAt: string | null;
  assetDigests: Record<string, string>;
}

export function storeRow(row: PlatformRow, section: RowDefaults): StoredRow {
  const own = row.runId === section.runId;
  const stored: StoredRow = { platform: row.platform, asset: row.asset, host: row.host, verdict: row.verdict };
  if (!own || row.sha256 !== (row.asset ? section.assetDigests[row.asset] ?? null : null)) stored.sha256 = row.sha256;
  if (!own || row.commit !== section.commit) stored.commit = row.commit;
  if (!own) stored.runId = row.runId;
  if (!own || row.finishedAt !== section.finishedAt) stored.finishedAt = row.finishedAt;
  if (Object.keys(row.checks).length > 0) stored.checks = row.checks;
  if (row.problem) stored.problem = row.problem;
  return stored;
}

export function loadRow(stored: StoredRow, section: RowDefaults): PlatformRow {
  return {
    platform: stored.platform,
    asset: stored.asset,
    sha256: stored.sha256 !== undefined ? stored.sha256 : stored.asset ? section.assetDigests[stored.asset] ?? null : null,
    commit: stored.commit !== undefined ? stored.commit : section.commit,
    runId: stored.runId ?? section.runId,
    finishedAt: stored.finishedAt ?? section.finishedAt ?? '',
    host: stored.host,
    verdict: stored.verdict,
    checks: stored.checks ?? {},
    ...(stored.problem ? { problem: stored.problem } : {}),
  };
}

/** A row's detail stays short: the data comment is one line that `findSections` reads whole. */
const PROBLEM_CHARS = 100;

export function rowsFromReport(report: RunReport): PlatformRow[] {
  return report.platforms.map((p) => {
    // A failure is named by its check; an error also says why (a host unreachable, say).
    const problem = p.verdict === 'error' ? p.checks.find((c) => c.status !== 'pass') : undefined;
    return {
      platform: p.platform,
      asset: p.asset,
      sha256: p.sha256,
      commit: report.commit,
      runId: report.runId,
      finishedAt: report.finishedAt,
      host: p.host,
      verdict: p.verdict,
      checks: Object.fromEntries(p.checks.filter((c) => c.status !== 'pass').map((c) => [c.name, c.status])),
      ...(problem ? { problem: { name: problem.name, detail: truncateEnd(problem.detail, PROBLEM_CHARS) } } : {}),
    };
  });
}

/**
 * This run's rows replace the same platforms' rows; the others stay while they speak for the
 * same commit (a row for another commit tested another build and is dropped). Whether a kept
 * row's asset is still the same bytes is judged on reading (`judgeDraft`), where it shows as stale.
 * In the order of `order` (the configured platforms), unknown platforms last.
 */
export function mergeRows(earlier: readonly PlatformRow[], mine: readonly PlatformRow[], options: { commit: string | null; order: readonly string[] }): PlatformRow[] {
  // A row of another run that finished later for the same platform wins (two runs merging at once).
  const newer = (r: PlatformRow) => mine.some((m) => m.platform === r.platform && m.runId !== r.runId && r.finishedAt > m.finishedAt);
  const replaced = new Set(mine.filter((m) => !earlier.some((r) => r.platform === m.platform && newer(r))).map((m) => m.platform));
  const ours = mine.filter((m) => replaced.has(m.platform));
  const kept = earlier.filter((r) => !replaced.has(r.platform) && (options.commit === null || r.commit === options.commit));
  const rank = (platform: string) => {
    const i = options.order.indexOf(platform);
    return i === -1 ? options.order.length : i;
  };
  return [...ours, ...kept].sort((a, b) => rank(a.platform) - rank(b.platform));
}

/**
 * A kept row as a platform result, so the matrix and the status description read it like this
 * run's. The row stores only the checks that did not pass: the others of `plan` passed.
 */
export function rowAsResult(row: PlatformRow, plan: readonly string[] = []): PlatformResult {
  const statuses: PlatformRow['checks'] = { ...Object.fromEntries(plan.map((name) => [name, 'pass' as const])), ...row.checks };
  const checks: CheckResult[] = Object.entries(statuses).map(([name, status]) => ({
    name,
    status,
    detail: row.problem?.name === name ? row.problem.detail : '',
    durationMs: 0,
  }));
  return { platform: row.platform, host: row.host, asset: row.asset, sha256: row.sha256, verdict: row.verdict, checks };
}

/** Asset name to digest over the rows: what `watch` compares with the draft. */
export function digestsOfRows(rows: readonly PlatformRow[]): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const r of rows) if (r.asset && r.sha256) digests[r.asset] = r.sha256;
  return digests;
}

/** The platforms of `mine` that `rows` lost: neither this run's row nor a later run's is there. */
export function lostRows(rows: readonly PlatformRow[], mine: readonly PlatformRow[]): string[] {
  return mine
    .filter((m) => !rows.some((r) => r.platform === m.platform && (r.runId === m.runId || r.finishedAt > m.finishedAt)))
    .map((m) => m.platform);
}
