import { join, resolve } from 'node:path';
import type { SmokeConfig } from '../config/types.ts';
import { ConfigError, EXIT } from '../domain/errors.ts';
import type { PlatformId } from '../domain/platform.ts';
import { runSmoke, type RunOutcome } from '../pipeline/run.ts';
import { toReportJson } from '../report/json.ts';
import { matrixTable } from '../report/matrix-table.ts';
import { chooseView } from '../progress/choose-view.ts';
import { terminalSafe } from '../progress/terminal-safe.ts';
import { commandContext, retryLine } from './context.ts';
import type { CliIo } from './io.ts';
import { runDepsFor, runInputFor } from './run-input.ts';
import { stopSignal } from './stop-signal.ts';

export interface RunCliOptions {
  config: string;
  repo?: string;
  reports: string;
  platform: string[];
  post: boolean;
  json?: boolean;
  keepOnFailure?: boolean;
}

/** `smoke run <tag>`: exit 0 all passed, 1 a platform failed, 2 usage, 3 no verdict. */
export async function runCommand(tag: string, options: RunCliOptions, io: CliIo): Promise<number> {
  // A retry during the run goes through the view: a line written past it would break the live block.
  let warn = (message: string): void => void io.stderr.write(`smoke: ${message}\n`);
  const { config, github } = await commandContext(options, io, { onRetry: (notice) => warn(retryLine(notice)) });
  const platforms = selectPlatforms(config, options.platform);
  const view = chooseView(io, { json: options.json === true });
  warn = (message) => view.onEvent({ kind: 'warning', message });
  // SIGTERM/SIGINT: stop the probes, clean the hosts, say `error` (cancelled); a second one quits now.
  const stop = stopSignal(io.signal, (signal) =>
    view.onEvent({ kind: 'warning', message: `${signal}: stopping the probes and cleaning the hosts (send it again to quit now)` }),
  );
  let outcome: RunOutcome;
  try {
    // With repositories:, runs go under the repository's folder, where a watch of them all puts them.
    const settings = { ...options, byRepository: config.repositories.length > 0 };
    outcome = await runSmoke(runInputFor(tag, config, platforms, settings, io.env), runDepsFor(github, view.onEvent, { signal: stop.signal }));
  } finally {
    stop.dispose();
    view.close();
  }
  return finishRun(outcome, options, io);
}

export function exitCodeFor(outcome: RunOutcome): number {
  if (outcome.kind !== 'tested') return outcome.kind === 'not-release-tag' ? EXIT.usage : EXIT.noVerdict;
  // A pass nobody can read from the draft leaves the gate closed: no verdict, like the status.
  if (outcome.posted && !outcome.posted.inBody && outcome.report.verdict === 'pass') return EXIT.noVerdict;
  return outcome.report.verdict === 'pass' ? EXIT.pass : outcome.report.verdict === 'fail' ? EXIT.fail : EXIT.noVerdict;
}

/** What a run (or a merge) ended with, on the screen; its exit code. */
export function finishRun(outcome: RunOutcome, options: { json?: boolean; reports: string }, io: CliIo): number {
  switch (outcome.kind) {
    case 'not-release-tag':
      io.stderr.write(`smoke: ${quoteTag(outcome.tag)} is not a release tag (pattern ${outcome.pattern})\n`);
      break;
    case 'not-found':
      io.stderr.write(`smoke: no draft release with tag ${quoteTag(outcome.tag)} (published releases are not tested; a token without push access sees no drafts)\n`);
      break;
    case 'waiting':
      io.stderr.write(terminalSafe(`smoke: ${outcome.release.tag_name} is waiting for assets: ${outcome.missing.join(', ')}; nothing was tested`) + '\n');
      break;
    case 'busy':
      io.stderr.write(`smoke: another smoke run is testing ${outcome.tag} (run ${outcome.holder.runId} since ${outcome.holder.since}); nothing was tested\n`);
      break;
    case 'tested':
      if (options.json) io.stdout.write(toReportJson(outcome.report));
      if (outcome.reportProblem !== undefined) io.stderr.write(`smoke: local error: ${outcome.reportProblem}\n`);
      if (outcome.posted && !outcome.posted.inBody) {
        io.stderr.write(`smoke: the release notes leave no room in the draft's body for even a one-line result; commit status: ${outcome.posted.state} "${outcome.posted.description}"\n`);
      }
      if (!options.json) {
        // The compact matrix for the screen; the Markdown (with its data comment and entities) stays in a file.
        io.stdout.write(`\n${matrixTable(outcome.report)}`);
        const where = `; reports in ${outcome.reportDir} (report.html to view, report.md is the Markdown; all runs: ${join(resolve(options.reports), 'index.html')})`;
        io.stderr.write(`smoke: ${outcome.report.verdict}${outcome.reportProblem === undefined ? where : ''}\n`);
      }
      break;
  }
  return exitCodeFor(outcome);
}

/** A tag as the user typed it, made one safe line: JSON-quoted (control characters escaped) and cut when long. */
export function quoteTag(tag: string, max = 120): string {
  if (tag.length <= max) return JSON.stringify(tag);
  return `${JSON.stringify(tag.slice(0, max))}… (${tag.length} characters)`;
}

function selectPlatforms(config: SmokeConfig, requested: string[]): PlatformId[] {
  const expected = [...config.platforms.keys()];
  if (requested.length === 0) return expected;
  for (const p of requested) {
    if (!config.platforms.has(p as PlatformId)) {
      throw new ConfigError(`--platform ${p} is not an expected platform (expected: ${expected.join(', ')})`);
    }
  }
  return expected.filter((p) => requested.includes(p));
}
