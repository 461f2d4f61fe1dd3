import type { RunReport } from '../domain/report.ts';
import type { CheckResult, PlatformResult } from '../domain/verdict.ts';

/**
 * report.json (schema 1) with a fixed key order and sorted digests, so two runs over the same
 * results give the same bytes and a diff shows only what changed.
 */
export function toReportJson(report: RunReport): string {
  const ordered = {
    schema: report.schema,
    runId: report.runId,
    tag: report.tag,
    repo: report.repo,
    releaseId: report.releaseId,
    commit: report.commit,
    verdict: report.verdict,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    checksumsSha256: report.checksumsSha256,
    assetDigests: Object.fromEntries(Object.entries(report.assetDigests).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    platforms: report.platforms.map(orderPlatform),
    insecureHosts: report.insecureHosts,
    runUrl: report.runUrl,
    plan: report.plan,
    draftUrl: report.draftUrl,
    commitUrl: report.commitUrl,
    // Why a run whose platforms passed says `error`: `smoke merge` must not read its rows as a pass.
    stale: report.stale,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function orderPlatform(p: PlatformResult): Record<string, unknown> {
  return {
    platform: p.platform,
    host: p.host,
    asset: p.asset,
    sha256: p.sha256,
    verdict: p.verdict,
    checks: p.checks.map(orderCheck),
    insecureHostKey: p.insecureHostKey,
  };
}

function orderCheck(c: CheckResult): Record<string, unknown> {
  return { name: c.name, status: c.status, detail: c.detail, durationMs: c.durationMs, startMs: c.startMs, excerpt: c.excerpt };
}
