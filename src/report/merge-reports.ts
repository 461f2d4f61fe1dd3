import { mergeCheckOrders } from '../domain/check-order.ts';
import type { RunReport } from '../domain/report.ts';
import type { CheckName, PlatformResult } from '../domain/verdict.ts';
import { runVerdict } from '../domain/verdict-rules.ts';
import { buildReport } from './build-report.ts';
import { draftLinks } from './draft-links.ts';

/** One shard's report.json and the file it came from (every refusal names the files). */
export interface ShardReport {
  file: string;
  report: RunReport;
}

/** What the shards say together: one draft, one commit, each platform once. */
export interface MergedShards {
  repo: string;
  tag: string;
  releaseId: number;
  commit: string | null;
  checksumsSha256: string | null;
  /** The earliest shard's start and the latest shard's finish: the span the tests took. */
  startedAt: string;
  finishedAt: string;
  /** Each platform once, in the order the reports gave them; check offsets moved onto `startedAt`. */
  platforms: PlatformResult[];
  /** The shards' plans' checks merged in run order: the matrix's columns. */
  plan: CheckName[];
  /** Assets a shard found changed during its own run. */
  stale: string[];
  runIds: string[];
  /** The Actions run the shards ran in, when they all name the same one. */
  runUrl?: string;
}

export type MergeOutcome = { ok: true; merged: MergedShards } | { ok: false; problems: string[] };

/**
 * Merges the reports of shards of one run (each `smoke run --platform X --no-post`). Pure.
 * Refuses, naming the files and the values, whatever would make one posted result a lie:
 * reports of another repository, tag, draft or commit; two sha256 for one asset; two different
 * results for one platform (the same result given twice is taken once); a report whose verdict
 * is worse than its platforms say (a cancelled run), since rows alone would read as a pass.
 */
export function mergeShardReports(shards: readonly ShardReport[]): MergeOutcome {
  if (shards.length === 0) return { ok: false, problems: ['no reports to merge'] };
  const problems = [
    ...differing(shards, 'repositories', (r) => r.repo),
    ...differing(shards, 'tags', (r) => r.tag),
    ...differing(shards, 'draft release ids', (r) => String(r.releaseId)),
    ...differing(shards, 'commits', (r) => r.commit ?? 'unknown'),
    ...differentDigests(shards),
    ...unexplainedVerdicts(shards),
  ];
  const { platforms, conflicts } = platformsOnce(shards);
  problems.push(...conflicts);
  if (problems.length > 0) return { ok: false, problems };

  const first = shards[0]!.report;
  const startedAt = shards.map((s) => s.report.startedAt).reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
  const finishedAt = shards.map((s) => s.report.finishedAt).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
  const runUrls = [...new Set(shards.map((s) => s.report.runUrl))];
  const merged: MergedShards = {
    repo: first.repo,
    tag: first.tag,
    releaseId: first.releaseId,
    commit: first.commit,
    checksumsSha256: shards.map((s) => s.report.checksumsSha256).find((c) => c !== null) ?? null,
    startedAt,
    finishedAt,
    platforms: platforms.map(({ shard, result }) => onTimeline(result, Date.parse(shard.startedAt) - Date.parse(startedAt))),
    plan: mergeCheckOrders(shards.map((s) => s.report.plan ?? s.report.platforms.flatMap((p) => p.checks.map((c) => c.name)))),
    stale: [...new Set(shards.flatMap((s) => s.report.stale ?? []))],
    runIds: [...new Set(shards.map((s) => s.report.runId))],
    ...(runUrls.length === 1 && runUrls[0] !== undefined ? { runUrl: runUrls[0] } : {}),
  };
  return { ok: true, merged };
}

/**
 * The merged run's report: every expected platform judged as one run's would be (one without a
 * shard's result is never a silent pass), in the configured order; `stale` assets make it `error`.
 */
export function mergedReport(merged: MergedShards, facts: { runId: string; expected: string[]; stale: string[]; releaseHtmlUrl?: string; runUrl?: string }): RunReport {
  const { expected } = facts;
  const rank = (platform: string) => (expected.includes(platform) ? expected.indexOf(platform) : expected.length);
  const platforms = [...merged.platforms].sort((a, b) => rank(a.platform) - rank(b.platform));
  const report = buildReport({ ...merged, platforms, runId: facts.runId, expected, stale: facts.stale, cancelled: false, ...(facts.runUrl ? { runUrl: facts.runUrl } : {}) });
  return { ...report, ...draftLinks(facts.releaseHtmlUrl, merged.commit) };
}

/** `the reports are of different commits: abc in a.json, b.json; def in c.json` */
function differing(shards: readonly ShardReport[], whats: string, valueOf: (r: RunReport) => string): string[] {
  const groups = group(shards.map((s) => [valueOf(s.report), s.file] as const));
  if (groups.size <= 1) return [];
  return [`the reports are of different ${whats}: ${describeGroups(groups)}`];
}

/** An asset (or checksums.txt) given two sha256 across the reports: they tested different bytes. */
function differentDigests(shards: readonly ShardReport[]): string[] {
  const seen = new Map<string, Array<readonly [string, string]>>();
  const note = (asset: string, sha256: string, file: string) => seen.set(asset, [...(seen.get(asset) ?? []), [sha256, file] as const]);
  for (const { file, report } of shards) {
    const digests = new Map(Object.entries(report.assetDigests));
    for (const p of report.platforms) if (p.asset && p.sha256) digests.set(p.asset, p.sha256);
    for (const [asset, sha256] of digests) note(asset, sha256, file);
    if (report.checksumsSha256) note('checksums.txt', report.checksumsSha256, file);
  }
  return [...seen].flatMap(([asset, entries]) => {
    const groups = group(entries);
    return groups.size > 1 ? [`the reports give different sha256 for ${asset}: ${describeGroups(groups)}`] : [];
  });
}

/** A report whose verdict its platforms do not explain (cancelled): its passing rows must not post as a pass. */
function unexplainedVerdicts(shards: readonly ShardReport[]): string[] {
  return shards.flatMap(({ file, report }) => {
    const own = runVerdict(report.platforms, report.platforms.map((p) => p.platform));
    if (own === report.verdict || (report.stale ?? []).length > 0) return [];
    return [`${file} says ${report.verdict} but its platforms say ${own} (a cancelled run?): run that shard again`];
  });
}

function platformsOnce(shards: readonly ShardReport[]): { platforms: Array<{ shard: RunReport; result: PlatformResult }>; conflicts: string[] } {
  const platforms: Array<{ shard: RunReport; file: string; result: PlatformResult }> = [];
  const conflicts: string[] = [];
  for (const { file, report } of shards) {
    for (const result of report.platforms) {
      const earlier = platforms.find((p) => p.result.platform === result.platform);
      if (!earlier) platforms.push({ shard: report, file, result });
      else if (JSON.stringify(earlier.result) !== JSON.stringify(result)) {
        conflicts.push(`two results for ${result.platform}: ${earlier.file} (run ${earlier.shard.runId}, ${earlier.result.verdict}) and ${file} (run ${report.runId}, ${result.verdict}); merge one of them`);
      }
    }
  }
  return { platforms, conflicts };
}

/** A shard's check offsets count from its own start: moved onto the merged run's start. */
function onTimeline(result: PlatformResult, offsetMs: number): PlatformResult {
  if (offsetMs === 0) return result;
  return { ...result, checks: result.checks.map((c) => (c.startMs === undefined ? c : { ...c, startMs: c.startMs + offsetMs })) };
}

function group(entries: ReadonlyArray<readonly [value: string, file: string]>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [value, file] of entries) {
    const files = groups.get(value) ?? [];
    if (!files.includes(file)) files.push(file);
    groups.set(value, files);
  }
  return groups;
}

function describeGroups(groups: Map<string, string[]>): string {
  return [...groups].map(([value, files]) => `${value} in ${files.join(', ')}`).join('; ');
}
