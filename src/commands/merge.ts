import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SmokeConfig } from '../config/types.ts';
import { ConfigError } from '../domain/errors.ts';
import { repoFolder } from '../report/write-reports.ts';
import { mergeRun } from '../pipeline/merge-run.ts';
import { newRunId } from '../pipeline/run-id.ts';
import { mergeShardReports, type ShardReport } from '../report/merge-reports.ts';
import { parseReportJson } from '../report/parse-report-json.ts';
import { actionsRunUrl, cacheDir, commandContext } from './context.ts';
import type { CliIo } from './io.ts';
import { finishRun } from './run.ts';

export interface MergeCliOptions {
  config: string;
  repo?: string;
  reports: string;
  post: boolean;
  json?: boolean;
  /** The reports must be of this tag (a workflow's input, checked against what the shards tested). */
  tag?: string;
}

/**
 * `smoke merge <report.json|dir>...`: the reports of shards (`smoke run <tag> --platform X
 * --no-post`, maybe on other runners) become one result, written and posted as one run's.
 * Exit codes as `run`; 2 when a report is unreadable or the reports do not belong together.
 */
export async function mergeCommand(paths: string[], options: MergeCliOptions, io: CliIo): Promise<number> {
  const shards = await readShardReports(paths);
  const outcome = mergeShardReports(shards);
  if (!outcome.ok) {
    const problems = outcome.problems.length === 1 ? outcome.problems : outcome.problems.map((p, i) => `(${i + 1}) ${p}`);
    throw new ConfigError(`cannot merge these reports: ${problems.join('; ')}; nothing was posted`);
  }
  const { merged } = outcome;
  if (options.tag !== undefined && merged.tag !== options.tag) {
    throw new ConfigError(`--tag ${options.tag}: the reports are of ${merged.tag} (${shards.map((s) => s.file).join(', ')}); nothing was posted`);
  }
  const { config, github } = await commandContext(options, io);
  const warn = (message: string) => void io.stderr.write(`smoke: ${message}\n`);
  io.stderr.write(`smoke: merging ${shards.length} report(s) of ${merged.tag} (runs ${merged.runIds.join(', ')}): ${merged.platforms.map((p) => `${p.platform} ${p.verdict}`).join(', ')}\n`);
  // A new run id: the merged report is a run folder of its own, and its rows say which merge posted them.
  const runUrl = actionsRunUrl(io.env);
  const result = await mergeRun(
    {
      merged,
      runId: newRunId(new Date()),
      config,
      // With repositories:, under the repository's folder, as its runs are.
      ...reportsFor(config, resolve(options.reports)),
      cacheDir: cacheDir(io.env),
      post: options.post,
      ...(runUrl ? { runUrl } : {}),
      ...(io.env.GITHUB_STEP_SUMMARY ? { stepSummary: io.env.GITHUB_STEP_SUMMARY } : {}),
    },
    { github, now: () => new Date(), onEvent: (event) => (event.kind === 'warning' ? warn(event.message) : undefined) },
  );
  return finishRun(result, options, io);
}

function reportsFor(config: SmokeConfig, reports: string): { reportsDir: string; reportsIndexDir?: string } {
  if (config.repositories.length === 0 || config.repo === undefined) return { reportsDir: reports };
  return { reportsDir: join(reports, repoFolder(config.repo)), reportsIndexDir: reports };
}

/** Each path a report.json, or a folder searched for them (downloaded artifacts); each read and checked. */
async function readShardReports(paths: readonly string[]): Promise<ShardReport[]> {
  const files = (await Promise.all(paths.map(reportFilesAt))).flat();
  return Promise.all(
    [...new Set(files)].map(async (file) => {
      const text = await readFile(file, 'utf8').catch((error: unknown) => {
        throw new ConfigError(`${file}: cannot read it (${error instanceof Error ? error.message : String(error)})`);
      });
      const parsed = parseReportJson(text);
      if (!parsed.ok) throw new ConfigError(`${file}: ${parsed.problem}`);
      return { file, report: parsed.report };
    }),
  );
}

async function reportFilesAt(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (info === null) throw new ConfigError(`${path}: no such file or folder`);
  if (!info.isDirectory()) return [path];
  const found = (await readdir(path, { recursive: true })).filter((f) => f === 'report.json' || f.endsWith('/report.json')).sort();
  if (found.length === 0) throw new ConfigError(`${path}: a folder without any report.json under it`);
  return found.map((f) => join(path, f));
}
