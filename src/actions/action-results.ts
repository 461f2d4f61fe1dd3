import type { RunReport } from '../domain/report.ts';
import type { PlatformResult, Verdict } from '../domain/verdict.ts';
import { escapeInline } from '../report/markdown/escape.ts';
import type { Annotation } from './workflow-commands.ts';

/** `none`: a watch pass found nothing new or changed to test. */
export type ActionVerdict = Verdict | 'none';

export interface ActionRun {
  /** This invocation's reports (a run gives one; a watch pass one per draft it tested). */
  reports: RunReport[];
  /** smoke's exit code. */
  exitCode: number;
  /** smoke's own `smoke: …` lines: the reason when no report was written. */
  messages: string[];
  artifactName: string;
}

export interface ActionResults {
  verdict: ActionVerdict;
  /** Worst verdict per platform over every report, in first-seen order. */
  platforms: Array<[platform: string, verdict: Verdict]>;
  annotations: Annotation[];
  /** Appended to the step summary after the reports' own Markdown. */
  summary: string;
}

const RANK: Record<Verdict, number> = { pass: 0, error: 1, fail: 2 };

/** What the action says about a run: its outputs' verdicts, annotations and a short summary. */
export function actionResults(run: ActionRun): ActionResults {
  const platforms = new Map<string, Verdict>();
  for (const p of run.reports.flatMap((r) => r.platforms)) {
    const seen = platforms.get(p.platform);
    if (seen === undefined || RANK[p.verdict] > RANK[seen]) platforms.set(p.platform, p.verdict);
  }
  const verdict = overall(run);
  const annotations = run.reports.flatMap(reportAnnotations);
  if (run.reports.length === 0) annotations.push(noReportAnnotation(run, verdict));
  return { verdict, platforms: [...platforms], annotations, summary: summaryOf(run, verdict, annotations) };
}

function overall(run: ActionRun): ActionVerdict {
  const verdicts = run.reports.map((r) => r.verdict);
  if (verdicts.includes('fail') || run.exitCode === 1) return 'fail';
  if (verdicts.includes('error') || run.exitCode !== 0) return 'error';
  return verdicts.length > 0 ? 'pass' : 'none';
}

function reportAnnotations(report: RunReport): Annotation[] {
  const bad = report.platforms.filter((p) => p.verdict !== 'pass');
  if (bad.length === 0 && report.verdict === 'pass') {
    return [{ level: 'notice', title: `smoke ${report.tag}: pass`, message: `all ${report.platforms.length} platforms passed (run ${report.runId})` }];
  }
  const annotations = bad.map((p): Annotation => ({ level: 'error', title: `smoke ${report.tag} ${p.platform}: ${p.verdict}`, message: platformMessage(p) }));
  if (report.stale && report.stale.length > 0) {
    annotations.push({ level: 'error', title: `smoke ${report.tag}: error`, message: `assets changed during the run: ${report.stale.join(', ')}` });
  }
  // Every platform in it passed, yet the run did not: an expected platform has no result (a merge missing a shard).
  if (annotations.length === 0) {
    annotations.push({ level: 'error', title: `smoke ${report.tag}: ${report.verdict}`, message: `not every expected platform has a result; tested: ${report.platforms.map((p) => p.platform).join(', ') || 'none'}` });
  }
  return annotations;
}

/** `darwin/arm64 failed at boot: <detail> (host mac-1)`: the first check that made the verdict. */
function platformMessage(p: PlatformResult): string {
  const first = p.checks.find((c) => c.status === p.verdict) ?? p.checks.find((c) => c.status !== 'pass' && c.status !== 'skipped');
  const what = p.verdict === 'fail' ? 'failed' : 'errored';
  const host = p.host === null ? '' : ` (host ${p.host})`;
  return first ? `${p.platform} ${what} at ${first.name}: ${first.detail}${host}` : `${p.platform} ${what}${host}`;
}

function noReportAnnotation(run: ActionRun, verdict: ActionVerdict): Annotation {
  const said = run.messages.join('\n');
  if (verdict === 'none') return { level: 'notice', title: 'smoke', message: said || 'no new or changed draft to test' };
  return { level: 'error', title: `smoke: ${verdict}`, message: said || `smoke exited ${run.exitCode} without a report` };
}

function summaryOf(run: ActionRun, verdict: ActionVerdict, annotations: Annotation[]): string {
  const lines = [`### smoke action: ${verdict}`, ''];
  for (const a of annotations.filter((x) => x.level === 'error')) lines.push(`- ${escapeInline(a.title)}: ${escapeInline(a.message)}`);
  if (run.reports.length > 0) {
    lines.push(`- reports: artifact ${escapeInline(run.artifactName)} (report.html, report.json, report.md, junit.xml)`);
  } else {
    for (const a of annotations.filter((x) => x.level !== 'error')) lines.push(`- ${escapeInline(a.message)}`);
  }
  return `${lines.join('\n')}\n`;
}
