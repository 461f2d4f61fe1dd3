import type { RunReport } from '../domain/report.ts';
import type { CheckName, CheckResult, PlatformResult } from '../domain/verdict.ts';
import { checkColumns, findCheck } from './check-columns.ts';
import { escapeHtml } from './html-escape.ts';
import { htmlPage } from './html-page.ts';
import { isWebUrl } from './draft-links.ts';
import { NOT_RUN, statusLabel } from './status-label.ts';
import { formatSeconds } from './timeline-layout.ts';
import { timelineHtml } from './timeline-svg.ts';
import { formatDuration } from '../domain/format-duration.ts';

/**
 * report.html: one self-contained file. A CSP forbids scripts and any fetch, styles are
 * inline, and every cell links to its check's detail below; details of checks that did not
 * pass start open, so nothing needs JavaScript. Ids come from positions, never from names.
 */
export function toReportHtml(report: RunReport): string {
  const title = escapeHtml(`Smoke test: ${report.repo} ${report.tag}`);
  return htmlPage(title, STYLE, `<h1>${title}</h1>
${links(report)}
${summary(report)}
${matrix(report.platforms, report.plan ?? [])}
<h2>Where the time went</h2>
${timelineHtml(report.platforms)}
${report.platforms.map(platformDetails).join('\n')}`);
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2328}
table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}
td.pass{background:#dafbe1}td.fail{background:#ffebe9}td.error{background:#fff8c5}td.skipped,td.none{background:#eaeef2}
td a{color:inherit;text-decoration:none;display:block}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-all}
.warn{color:#9a6700;font-weight:600}code{font-family:ui-monospace,monospace}
nav.links a{margin-right:1rem}
figure.timeline{margin:1rem 0;overflow-x:auto}figcaption{color:#57606a;font-size:.85rem;margin-left:140px}
ul.legend{list-style:none;padding:0;margin:.4rem 0 0;display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.85rem}
.swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:3px;margin-right:.3rem;vertical-align:-2px}
.outline-fail{border:3px solid #cf222e;box-sizing:border-box}.outline-error{border:3px solid #9a6700;box-sizing:border-box}
`;

function summary(report: RunReport): string {
  const items = [
    `<li>Verdict: <strong>${statusLabel(report.verdict)}</strong></li>`,
    `<li>Commit: <code>${escapeHtml(report.commit ?? 'unknown')}</code></li>`,
    `<li>Run: ${escapeHtml(report.runId)}, ${escapeHtml(report.startedAt)} to ${escapeHtml(report.finishedAt)}</li>`,
  ];
  if (report.insecureHosts.length > 0) {
    items.push(`<li class="warn">Host key not verified: ${report.insecureHosts.map(escapeHtml).join(', ')}</li>`);
  }
  for (const [asset, sha] of Object.entries(report.assetDigests).sort(([a], [b]) => (a < b ? -1 : 1))) {
    items.push(`<li>${escapeHtml(asset)}: <code>${escapeHtml(sha)}</code></li>`);
  }
  return `<ul>\n${items.join('\n')}\n</ul>`;
}

/** The draft, the commit and the Actions run, where the report knows them (http(s) only). */
function links(report: RunReport): string {
  const targets: Array<[string, string | undefined]> = [
    ['Draft release', report.draftUrl],
    ['Commit', report.commitUrl],
    ['Actions run', report.runUrl],
  ];
  const anchors = targets
    .filter((t): t is [string, string] => t[1] !== undefined && isWebUrl(t[1]))
    .map(([label, url]) => `<a href="${escapeHtml(url)}">${label}</a>`);
  return anchors.length === 0 ? '' : `<nav class="links">${anchors.join(' ')}</nav>`;
}

function matrix(platforms: readonly PlatformResult[], plan: readonly CheckName[]): string {
  const columns = checkColumns(plan, platforms);
  const head = ['Platform', 'Host', 'Verdict', ...columns].map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const rows = platforms.map((p, row) => {
    const cells = columns.map((name) => {
      const check = findCheck(p, name);
      if (!check) return `<td class="none">${NOT_RUN}</td>`;
      const id = checkId(row, p.checks.indexOf(check));
      return `<td class="${check.status}"><a href="#${id}">${statusLabel(check.status)}</a></td>`;
    });
    const host = `${escapeHtml(p.host ?? NOT_RUN)}${p.insecureHostKey ? ' <span class="warn">(unverified host key)</span>' : ''}`;
    return `<tr><th>${escapeHtml(p.platform)}</th><td>${host}</td><td class="${p.verdict}">${statusLabel(p.verdict)}</td>${cells.join('')}</tr>`;
  });
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function platformDetails(platform: PlatformResult, row: number): string {
  const checks = platform.checks.map((c, index) => checkDetails(c, checkId(row, index)));
  return `<h2>${escapeHtml(platform.platform)}: ${statusLabel(platform.verdict)}</h2>\n${checks.join('\n')}`;
}

function checkDetails(check: CheckResult, id: string): string {
  const open = check.status === 'pass' ? '' : ' open';
  const excerpt = check.excerpt ? `\n<pre>${escapeHtml(check.excerpt)}</pre>` : '';
  const time = check.startMs === undefined ? formatDuration(check.durationMs) : `at ${formatSeconds(check.startMs)}, took ${formatDuration(check.durationMs)}`;
  return `<details id="${id}"${open}><summary>${escapeHtml(check.name)}: ${statusLabel(check.status)} (${escapeHtml(
    time,
  )})</summary>\n<p>${escapeHtml(check.detail)}</p>${excerpt}\n</details>`;
}

function checkId(row: number, index: number): string {
  return `check-${row}-${index}`;
}
