import type { RunReport } from '../../domain/report.ts';
import { renderSectionData, sectionDataFromReport, type SectionData } from '../../posting/section-data.ts';
import { missingPlatforms } from '../../domain/verdict-rules.ts';
import { UNLIMITED, renderDetails, type DetailLimits } from './details.ts';
import { codeIfHex, escapeInline } from './escape.ts';
import { renderMatrix } from './matrix.ts';
import { renderDigests, renderInsecureHosts, renderStale, renderSummary } from './summary.ts';
import { statusLabel } from '../status-label.ts';

export interface MarkdownOptions {
  /** Platforms the run should have covered; those without a result show as untested rows. */
  expected?: readonly string[];
}

/** report.md: the whole report, nothing shortened. */
export function renderReportMarkdown(report: RunReport, opts: MarkdownOptions = {}): string {
  const heading = `# Smoke test: ${escapeInline(report.repo)} ${escapeInline(report.tag)}`;
  return `${renderParts(report, opts, { limits: UNLIMITED, fullDigests: true }, heading)}\n`;
}

interface Shape {
  /** null: no details at all. */
  limits: DetailLimits | null;
  fullDigests: boolean;
}

/** Tighter and tighter shapes: excerpts shrink first, then details, then they go; the matrix stays. */
function shapes(budget: number): Shape[] {
  const excerpts = [budget, 8000, 2000, 500, 0];
  const withExcerpts = excerpts.map((excerptChars) => ({ excerptChars, detailChars: budget }));
  const withShortDetails = [300, 80].map((detailChars) => ({ excerptChars: 0, detailChars }));
  return [
    ...[...withExcerpts, ...withShortDetails].map((limits) => ({ limits, fullDigests: true })),
    { limits: null, fullDigests: true },
    { limits: null, fullDigests: false },
  ];
}

/**
 * The section for the draft's body, at most `budget` characters when that is possible at all.
 * It shrinks only itself, in this order: evidence, then details, then the full digests, then the
 * matrix becomes one line per platform, and last a single verdict line with the run id. The
 * data comment (what `gate` and `watch` read) is in every form, so the result can exceed the
 * budget only when that comment and one line do.
 */
export function renderBodySection(report: RunReport, opts: MarkdownOptions & { budget: number }): string {
  const data = renderSectionData(sectionDataFromReport(report));
  const heading = `${data}\n### Smoke test`;
  const forms = [
    ...shapes(opts.budget).map((shape) => () => renderParts(report, opts, shape, heading)),
    () => renderCompact(report, opts, heading),
    () => `${data}\n${renderVerdictLine(report)}`,
  ];
  let rendered = '';
  for (const form of forms) {
    rendered = form();
    if (rendered.length <= opts.budget) return rendered;
  }
  return rendered;
}

/** The matrix as one line per platform: its verdict and the checks that did not pass. */
function renderCompact(report: RunReport, opts: MarkdownOptions, heading: string): string {
  const missing = missingPlatforms(report.platforms, opts.expected ?? []);
  const lines = report.platforms.map((p) => {
    const notPassed = p.checks.filter((c) => c.status !== 'pass').map((c) => `${escapeInline(c.name)} ${statusLabel(c.status)}`);
    return `- ${escapeInline(p.platform)}: ${statusLabel(p.verdict)}${notPassed.length > 0 ? ` (${notPassed.join(', ')})` : ''}`;
  });
  for (const id of missing) lines.push(`- ${escapeInline(id)}: ${statusLabel('error')} (not tested)`);
  const parts = [heading, renderSummary(report), renderStale(report), lines.join('\n'), renderInsecureHosts(report), SHORTENED_NOTE];
  return parts.filter((p): p is string => p !== null).join('\n\n');
}

/** The smallest form: the verdict and where to find the rest. */
function renderVerdictLine(report: RunReport): string {
  const stale = report.stale && report.stale.length > 0 ? ' (stale result)' : '';
  return `Smoke test: **${statusLabel(report.verdict)}**${stale} · ${escapeInline(report.tag)} · run ${escapeInline(report.runId)} · ${FULL_REPORT_NOTE}`;
}

const FULL_REPORT_NOTE = '_The matrix did not fit in the release body; see report.md._';
const SHORTENED_NOTE = '_Shortened to fit the release body; the full matrix and details are in report.md._';

/** The section while a run is under way: what is being tested, no verdict yet. */
export function renderRunningSection(data: SectionData & { state: 'running' }): string {
  const commit = data.commit === null ? 'unknown commit' : `commit ${codeIfHex(data.commit, 12)}`;
  return [
    renderSectionData(data),
    '### Smoke test',
    '',
    `⏳ **testing** ${escapeInline(data.tag)} at ${commit} · started ${escapeInline(data.startedAt)} · run ${escapeInline(data.runId)}`,
  ].join('\n');
}

function renderParts(report: RunReport, opts: MarkdownOptions, shape: Shape, heading: string): string {
  const missing = missingPlatforms(report.platforms, opts.expected ?? []);
  const parts: (string | null)[] = [
    heading,
    renderSummary(report),
    renderStale(report),
    renderMatrix(report.platforms, { ...(report.plan ? { plan: report.plan } : {}), missing }),
    renderInsecureHosts(report),
    renderDigests(report, shape.fullDigests),
  ];
  if (shape.limits !== null) parts.push(renderDetails(report.platforms, shape.limits));
  else if (report.platforms.some((p) => p.checks.some((c) => c.status !== 'pass'))) {
    parts.push('_Details omitted to fit the release body; see report.md._');
  }
  return parts.filter((p): p is string => p !== null).join('\n\n');
}
