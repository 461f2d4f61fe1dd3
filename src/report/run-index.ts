import type { Verdict } from '../domain/verdict.ts';
import { escapeHtml } from './html-escape.ts';
import { htmlPage } from './html-page.ts';
import { statusLabel } from './status-label.ts';

/** One run as the index shows it, read from its report.json. */
export interface RunIndexEntry {
  tag: string;
  runId: string;
  repo: string;
  verdict: Verdict;
  startedAt: string;
  finishedAt: string;
  platforms: Array<{ platform: string; verdict: Verdict }>;
  /** The run's report.html, relative to the index. */
  href: string;
}

/** A report.json the index could not use, and why: shown, never fatal. */
export interface SkippedReport {
  path: string;
  reason: string;
}

/** Newest first: by when the run finished, then by run id (ids sort by start time). */
export function sortRuns(entries: readonly RunIndexEntry[]): RunIndexEntry[] {
  return [...entries].sort((a, b) => compare(b.finishedAt, a.finishedAt) || compare(b.runId, a.runId) || compare(a.tag, b.tag));
}

/** reports/index.html: every run of every tag with its verdict, newest first; self-contained like report.html. */
export function toRunIndexHtml(entries: readonly RunIndexEntry[], skipped: readonly SkippedReport[]): string {
  const rows = sortRuns(entries).map((e) => {
    const platforms = e.platforms.map((p) => `<span class="${p.verdict}">${escapeHtml(p.platform)}</span>`).join(' ');
    return `<tr><td class="nowrap">${escapeHtml(e.finishedAt)}</td><td>${escapeHtml(e.repo)}</td><td>${escapeHtml(e.tag)}</td><td class="${e.verdict}">${statusLabel(e.verdict)}</td><td>${platforms}</td><td class="nowrap"><a href="${escapeHtml(e.href)}">${escapeHtml(e.runId)}</a></td></tr>`;
  });
  const table = rows.length === 0
    ? '<p>No runs yet.</p>'
    : `<table>\n<thead><tr><th>Finished</th><th>Repository</th><th>Tag</th><th>Verdict</th><th>Platforms</th><th>Report</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
  const notes = skipped.length === 0
    ? ''
    : `<h2>Skipped</h2>\n<ul class="skipped">\n${skipped.map((s) => `<li><code>${escapeHtml(s.path)}</code>: ${escapeHtml(s.reason)}</li>`).join('\n')}\n</ul>`;
  return htmlPage('Smoke test runs', STYLE, `<h1>Smoke test runs</h1>
${table}
${notes}`);
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2328}
table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}
td.pass{background:#dafbe1}td.fail{background:#ffebe9}td.error{background:#fff8c5}
span.pass,span.fail,span.error{padding:0 .3rem;border-radius:3px;margin-right:.2rem}
span.pass{background:#dafbe1}span.fail{background:#ffebe9}span.error{background:#fff8c5}
ul.skipped{color:#9a6700}td.nowrap{white-space:nowrap}
`;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
