import type { SmokeConfig } from '../config/types.ts';
import type { EventSink } from '../domain/events.ts';
import type { RunReport } from '../domain/report.ts';
import type { GitHub } from '../github/github.ts';
import type { Release } from '../github/types.ts';
import { expectedAssets } from '../release/asset-names.ts';
import { tryWriteReports } from '../report/write-reports.ts';
import { postResults, type PostOutcome } from '../stages/post-results.ts';

/** `reportProblem`: the reports could not be written to `reportDir` (a full disk); the verdict stands and was posted. */
export type TestedOutcome = { kind: 'tested'; report: RunReport; reportDir: string; reportProblem?: string; posted: PostOutcome | null };

export interface DeliverInput {
  report: RunReport;
  /** The release as it was tested: its assets are what the report speaks for. */
  tested: Release;
  config: SmokeConfig;
  /** The platforms this report had to cover (a run's `--platform`s; every configured one for a merge). */
  expected: string[];
  reportsDir: string;
  /** Where `index.html` lists every run, when `reportsDir` is one repository's folder under it. */
  indexDir?: string;
  stepSummary?: string;
  /** false: the reports are written, nothing is posted. */
  post: boolean;
}

/**
 * The end of a run, `smoke run`'s and `smoke merge`'s alike: write the reports (report.json, .md,
 * .html, JUnit, the step summary, the runs index), then post the result into the draft.
 */
export async function deliverReport(input: DeliverInput, deps: { github: GitHub; onEvent: EventSink }): Promise<TestedOutcome> {
  const { report } = input;
  // A full reports disk is a local problem: the verdict is known and is still posted.
  const reports = await tryWriteReports(report, input.reportsDir, { expected: input.expected, ...(input.stepSummary ? { stepSummary: input.stepSummary } : {}), ...(input.indexDir ? { indexDir: input.indexDir } : {}) });
  if (!reports.ok) deps.onEvent({ kind: 'warning', message: reports.problem });
  const posted = input.post ? await post(input, deps) : null;
  deps.onEvent({ kind: 'run-finished', verdict: report.verdict, ...(reports.ok ? { reportDir: reports.dir } : {}) });
  return { kind: 'tested', report, reportDir: reports.dir, ...(reports.ok ? {} : { reportProblem: reports.problem }), posted };
}

/** Posts the result; the draft is judged over every configured platform, whatever this run narrowed to. */
async function post(input: DeliverInput, deps: { github: GitHub; onEvent: EventSink }): Promise<PostOutcome> {
  const { config, report } = input;
  const draftPlatforms = expectedAssets(config.release, report.tag, [...config.platforms.keys()]);
  const posted = await postResults(deps.github, { report, tested: input.tested, statusContext: config.statusContext, expected: input.expected, draftPlatforms });
  if (posted.lostRows.length > 0) {
    deps.onEvent({ kind: 'warning', message: `another run kept overwriting the draft's section: the rows of ${posted.lostRows.join(', ')} are not in it (see report.md); run again` });
  }
  return posted;
}
