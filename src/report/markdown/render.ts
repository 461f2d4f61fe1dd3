import type { RunReport } from '../../domain/report.ts';
import { renderSectionData, sectionDataFromReport, type SectionData } from '../../posting/section-data.ts';
import { missingPlatforms } from '../../domain/verdict-rules.ts';
import { UNLIMITED, renderDetails, type DetailLimits } from './details.ts';
import { codeIfHex, escapeInline } from './escape.ts';
import { renderMatrix } from './matrix.ts';
import { renderDigests, renderInsecureHosts, renderStale, renderSummary } from './summary.ts';

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
 * The section for the draft's body, at most `budget` characters when that is possible at all:
 * evidence is shortened before anything else and the matrix is never dropped, so the result
 * can only exceed the budget when the matrix and the summary alone do.
 */
export function renderBodySection(report: RunReport, opts: MarkdownOptions & { budget: number }): string {
  const heading = `${renderSectionData(sectionDataFromReport(report))}\n### Smoke test`;
  let rendered = '';
  for (const shape of shapes(opts.budget)) {
    rendered = renderParts(report, opts, shape, heading);
    if (rendered.length <= opts.budget) return rendered;
  }
  return rendered;
}

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
