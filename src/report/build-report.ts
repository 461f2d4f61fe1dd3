import type { RunReport } from '../domain/report.ts';
import type { CheckName, PlatformResult } from '../domain/verdict.ts';
import { runVerdict } from '../domain/verdict-rules.ts';

export interface ReportFacts {
  runId: string;
  tag: string;
  repo: string;
  releaseId: number;
  commit: string | null;
  startedAt: string;
  finishedAt: string;
  checksumsSha256: string | null;
  platforms: PlatformResult[];
  /** The platforms the run had to cover: one without a result is never a silent pass. */
  expected: readonly string[];
  /** The check names of the platforms' plans, in run order. */
  plan: CheckName[];
  /** Assets that changed on the draft while they were tested. */
  stale: readonly string[];
  /** The run was stopped: its result is `error`, whatever the platforms said. */
  cancelled: boolean;
  runUrl?: string;
}

/** The run's report from its results. Pure: the spine writes and posts it. */
export function buildReport(facts: ReportFacts): RunReport {
  const { platforms } = facts;
  const report: RunReport = {
    schema: 1,
    runId: facts.runId,
    tag: facts.tag,
    repo: facts.repo,
    releaseId: facts.releaseId,
    commit: facts.commit,
    verdict: facts.cancelled || facts.stale.length > 0 ? 'error' : runVerdict(platforms, facts.expected),
    startedAt: facts.startedAt,
    finishedAt: facts.finishedAt,
    checksumsSha256: facts.checksumsSha256,
    assetDigests: assetDigests(platforms),
    platforms,
    plan: facts.plan,
    insecureHosts: [...new Set(platforms.flatMap((p) => (p.insecureHostKey && p.host ? [p.host] : [])))],
    ...(facts.runUrl ? { runUrl: facts.runUrl } : {}),
  };
  // A result for other bytes is never posted as a pass.
  if (facts.stale.length > 0) report.stale = [...facts.stale];
  return report;
}

/** Asset name to sha256 of every archive tested: what `watch` and `gate` compare with the draft. */
export function assetDigests(platforms: readonly PlatformResult[]): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const p of platforms) if (p.asset && p.sha256) digests[p.asset] = p.sha256;
  return digests;
}
