// The composite action's entry (action.yml): runs smoke (a run, a watch pass or a merge of
// shards' reports) in this process, then turns the report.json files it wrote into step
// outputs, annotations and a step-summary section.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { glob } from 'zx';
import { main } from '../cli.ts';
import type { CliIo } from '../commands/io.ts';
import { EXIT, SmokeError } from '../domain/errors.ts';
import type { RunReport } from '../domain/report.ts';
import { letHeapGrow } from '../heap-growth.ts';
import { actionInputs, smokeArgv, type ActionInputs } from './action-inputs.ts';
import { actionResults, type ActionResults } from './action-results.ts';
import { outputLines } from './github-output.ts';
import { annotationLine, stopCommands } from './workflow-commands.ts';

letHeapGrow();
process.exitCode = await runAction(process.env, process.stdout, process.stderr);

async function runAction(env: NodeJS.ProcessEnv, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  let inputs: ActionInputs;
  let argv: string[];
  let reportDir: string;
  try {
    inputs = actionInputs(env);
    await mkdir(inputs.reportsRoot, { recursive: true });
    // A folder of its own per invocation: what it holds is exactly what the artifact uploads.
    reportDir = await mkdtemp(join(resolve(inputs.reportsRoot), 'run-'));
    argv = smokeArgv({ ...inputs, merge: await expandPatterns(inputs.merge) }, reportDir);
  } catch (error) {
    if (!(error instanceof SmokeError)) throw error;
    stdout.write(`${annotationLine({ level: 'error', title: 'smoke: usage', message: error.message })}\n`);
    return EXIT.usage;
  }

  const messages: string[] = [];
  const commands = stopCommands(randomBytes(16).toString('hex'));
  stdout.write(`${commands.stop}\n`);
  const exitCode = await main(argv, { stdout, stderr: teeSmokeLines(stderr, messages), env } satisfies CliIo);
  stdout.write(`${commands.resume}\n`);

  const reports = await reportsUnder(reportDir);
  const results = actionResults({ reports, exitCode, messages, artifactName: inputs.artifactName });
  for (const annotation of results.annotations) stdout.write(`${annotationLine(annotation)}\n`);
  if (env.GITHUB_OUTPUT) await appendFile(env.GITHUB_OUTPUT, outputLines(outputsOf(results, reports, reportDir, inputs)));
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, results.summary);
  return exitCode;
}

function outputsOf(results: ActionResults, reports: RunReport[], reportDir: string, inputs: ActionInputs): Array<[string, string]> {
  return [
    ['verdict', results.verdict],
    ['report-dir', reportDir],
    ['artifact-name', inputs.artifactName],
    ['tags', JSON.stringify(reports.map((r) => r.tag))],
    ['verdicts', JSON.stringify(Object.fromEntries(results.platforms))],
    ...results.platforms.map(([platform, verdict]): [string, string] => [`verdict-${platform.replace(/[^A-Za-z0-9_-]/g, '-')}`, verdict]),
  ];
}

/**
 * The merge input's glob patterns as the files they match (no shell expands an input); a path
 * or folder stays as given, and so does a pattern matching nothing, for smoke to name.
 */
async function expandPatterns(entries: readonly string[]): Promise<string[]> {
  const expanded = await Promise.all(entries.map(async (entry) => {
    if (!/[*?[\]{}]/.test(entry)) return [entry];
    const found = await glob(entry, { onlyFiles: true, dot: true });
    return found.length > 0 ? found.sort() : [entry];
  }));
  return expanded.flat();
}

/** Every report.json under `<dir>/<tag>/<run-id>/`, oldest run first. */
async function reportsUnder(dir: string): Promise<RunReport[]> {
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('report.json')).sort();
  const reports = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as RunReport));
  return reports.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** Passes smoke's stderr through and keeps its own `smoke: …` lines for the annotations. */
function teeSmokeLines(target: NodeJS.WritableStream, lines: string[]): Writable {
  let partial = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const text = chunk.toString();
      partial += text;
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) if (line.startsWith('smoke: ')) lines.push(line.slice('smoke: '.length));
      target.write(text, done);
    },
  });
}
