import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunReport } from '../domain/report.ts';
import { toReportHtml } from './html.ts';
import { toReportJson } from './json.ts';
import { toJUnitXml } from './junit.ts';
import { renderReportMarkdown } from './markdown/render.ts';
import { writeRunIndex } from './write-run-index.ts';

/** A tag as one safe path segment: tags come from GitHub and are not trusted. */
export function tagFolder(tag: string): string {
  const safe = tag.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || /^\.+$/.test(safe) ? `_${safe}` : safe;
}

/** Where runs of one of several repositories go, under the reports folder: `<owner>/<name>`. */
export function repoFolder(repo: string): string {
  return join(...repo.split('/').map(tagFolder));
}

/**
 * Writes `<reportsDir>/<tag>/<run-id>/` (JSON, Markdown, JUnit, HTML) and `<reportsDir>/<tag>/latest.json`,
 * rebuilds `index.html` in `indexDir` (default `reportsDir`: the reports folder above a repository's
 * own), and appends the Markdown to `$GITHUB_STEP_SUMMARY` inside GitHub Actions. Returns the folder.
 */
export async function writeReports(
  report: RunReport,
  reportsDir: string,
  options: { expected: string[]; stepSummary?: string; indexDir?: string },
): Promise<string> {
  const tagDir = join(reportsDir, tagFolder(report.tag));
  const dir = join(tagDir, report.runId);
  await mkdir(dir, { recursive: true });
  const markdown = renderReportMarkdown(report, { expected: options.expected });
  await Promise.all([
    writeFile(join(dir, 'report.json'), toReportJson(report)),
    writeFile(join(dir, 'report.md'), markdown),
    writeFile(join(dir, 'junit.xml'), toJUnitXml(report)),
    writeFile(join(dir, 'report.html'), toReportHtml(report)),
  ]);
  const latest = `${JSON.stringify({ runId: report.runId, dir: report.runId, verdict: report.verdict, finishedAt: report.finishedAt }, null, 2)}\n`;
  // Written aside and renamed, so a reader never sees half a file.
  await writeFile(join(tagDir, 'latest.json.tmp'), latest);
  await rename(join(tagDir, 'latest.json.tmp'), join(tagDir, 'latest.json'));
  if (options.stepSummary) await appendFile(options.stepSummary, `${markdown}\n`);
  await writeRunIndex(options.indexDir ?? reportsDir);
  return dir;
}

/** Where the reports went, or why they could not be written there (the run's verdict stands either way). */
export type ReportsOutcome = { ok: true; dir: string } | { ok: false; dir: string; problem: string };

/**
 * `writeReports` as a value: a full or read-only reports disk is a local problem, not the end of
 * a run whose verdict is known. What was half written is removed, so no empty report lies around.
 */
export async function tryWriteReports(
  report: RunReport,
  reportsDir: string,
  options: { expected: string[]; stepSummary?: string; indexDir?: string },
): Promise<ReportsOutcome> {
  const dir = join(reportsDir, tagFolder(report.tag), report.runId);
  try {
    await writeReports(report, reportsDir, { expected: options.expected, ...(options.indexDir ? { indexDir: options.indexDir } : {}) });
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    const removed = await rm(dir, { recursive: true, force: true }).then(
      () => 'nothing half written was kept',
      (rmError: unknown) => `and could not remove what was half written: ${rmError instanceof Error ? rmError.message : String(rmError)}`,
    );
    return { ok: false, dir, problem: `could not write the reports to ${dir}: ${cause}; ${removed}` };
  }
  if (!options.stepSummary) return { ok: true, dir };
  try {
    await appendFile(options.stepSummary, `${renderReportMarkdown(report, { expected: options.expected })}\n`);
    return { ok: true, dir };
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    return { ok: false, dir, problem: `wrote the reports to ${dir} but could not append to the step summary ${options.stepSummary}: ${cause}` };
  }
}
