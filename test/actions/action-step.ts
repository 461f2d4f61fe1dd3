import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import type { FaultWorld } from '../faults/fault-world.ts';

const ROOT = join(import.meta.dirname, '../..');

export interface ActionStep {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Files under the report-dir output: what upload-artifact uploads. */
  artifact: string[];
  reports: RunReport[];
}

/**
 * Runs the action's entry script as action.yml runs it (node with tsx, INPUT_* and GITHUB_*
 * variables) in a folder of its own under the world. `signal` is the test's: a step that outlives
 * its test is killed, so it cannot hold the draft's lock into the next test.
 */
export function actionRunner(world: FaultWorld): (inputs: Record<string, string>, signal: AbortSignal) => Promise<ActionStep> {
  let step = 0;
  return async (inputs, signal) => {
    step += 1;
    const dir = join(world.dir, `step-${step}`);
    await mkdir(join(dir, 'temp'), { recursive: true });
    const outputFile = join(dir, 'output');
    const summaryFile = join(dir, 'summary');
    await writeFile(outputFile, '');
    await writeFile(summaryFile, '');
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...world.sb.env,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'smoke',
      RUNNER_TEMP: join(dir, 'temp'),
      INPUT_CONFIG: world.sb.configPath,
      INPUT_POST: 'true',
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
    };
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bin/smoke-action.js')], { env, cwd: dir, maxBuffer: 16 << 20, signal }, (error, out, err) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout: out, stderr: err });
      });
    });
    const outputs = parseOutputs(await readFile(outputFile, 'utf8'));
    const reportDir = outputs['report-dir'] ?? '';
    const artifact = reportDir === '' ? [] : (await readdir(reportDir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => relative(reportDir, join(d.parentPath, d.name))).sort();
    const reports = await Promise.all(artifact.filter((f) => f.endsWith('report.json')).map(async (f) => JSON.parse(await readFile(join(reportDir, f), 'utf8')) as RunReport));
    return { code, stdout, stderr, outputs, summary: await readFile(summaryFile, 'utf8'), artifact, reports };
  };
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** The annotation lines, read after the runner's stop-commands token is lifted (the only ones it acts on). */
export function annotations(stdout: string): string[] {
  const lines = stdout.split('\n');
  const stop = lines.findIndex((l) => l.startsWith('::stop-commands::'));
  expect(stop).toBeGreaterThanOrEqual(0);
  const token = lines[stop]!.slice('::stop-commands::'.length);
  const resume = lines.indexOf(`::${token}::`);
  expect(resume).toBeGreaterThan(stop);
  return lines.slice(resume + 1).filter((l) => /^::(error|warning|notice) /.test(l));
}

/** The four files of a run's folder, as the artifact lists them. */
export function runFiles(report: RunReport): string[] {
  return ['junit.xml', 'report.html', 'report.json', 'report.md'].map((f) => `${report.tag}/${report.runId}/${f}`);
}
