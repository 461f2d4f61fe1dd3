import type { RunReport } from '../../domain/report.ts';
import { statusLabel } from '../status-label.ts';
import { codeIfHex, escapeInline, safeLink } from './escape.ts';

const SHORT_DIGEST = 12;

/** The lines above the matrix: verdict, what was tested (tag, commit), when, and the run link. */
export function renderSummary(report: RunReport): string {
  const commit = report.commit === null ? 'unknown commit' : `commit ${codeIfHex(report.commit, SHORT_DIGEST)}`;
  const parts = [`**${statusLabel(report.verdict)}**`, `${escapeInline(report.tag)} at ${commit}`];
  parts.push(`finished ${escapeInline(report.finishedAt)}`);
  if (report.runUrl !== undefined) parts.push(safeLink(`run ${report.runId}`, report.runUrl));
  else parts.push(`run ${escapeInline(report.runId)}`);
  return parts.join(' · ');
}

/** Hosts reached without a verified host key, called out so nobody misses it. */
export function renderInsecureHosts(report: RunReport): string | null {
  if (report.insecureHosts.length === 0) return null;
  const hosts = report.insecureHosts.map((h) => escapeInline(h)).join(', ');
  return `⚠️ **Host key not verified** (opted out in hosts.yaml): ${hosts}`;
}

/** Archives the draft no longer carries as tested: the cells above describe other bytes. */
export function renderStale(report: RunReport): string | null {
  if (!report.stale || report.stale.length === 0) return null;
  const names = report.stale.map((n) => escapeInline(n)).join(', ');
  return `⚠️ **Stale result**: ${names} changed on the draft during the run, so nothing here speaks for the current bytes. Run again.`;
}

/** Short digests inline; the full ones in a collapsed block when `full` is set. */
export function renderDigests(report: RunReport, full: boolean): string | null {
  const entries = Object.entries(report.assetDigests).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return null;
  const short = entries.map(([asset, sha]) => `${escapeInline(asset)} ${codeIfHex(sha, SHORT_DIGEST)}`).join(' · ');
  const lines = [`Assets (SHA-256): ${short}`];
  if (full) {
    lines.push('', '<details>', '<summary>Full asset digests</summary>', '');
    lines.push('| Asset | SHA-256 |', '| --- | --- |');
    for (const [asset, sha] of entries) lines.push(`| ${escapeInline(asset)} | ${codeIfHex(sha)} |`);
    if (report.checksumsSha256 !== null) lines.push(`| checksums.txt | ${codeIfHex(report.checksumsSha256)} |`);
    lines.push('', '</details>');
  }
  return lines.join('\n');
}
