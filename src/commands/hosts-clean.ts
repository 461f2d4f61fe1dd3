import { resolve } from 'node:path';
import pLimit from 'p-limit';
import { loadConfig } from '../config/load.ts';
import type { HostConfig } from '../config/types.ts';
import { EXIT, HostError } from '../domain/errors.ts';
import { connectHost } from '../hosts/connect-host.ts';
import type { StopReport } from '../shells/shell.ts';
import { shellFor } from '../shells/shell-for.ts';
import { withoutHostPrefix } from '../hosts-command/survey-host.ts';
import { describeSwept } from '../probes/sweep-leftovers.ts';
import { cleanLeftovers, type LeftoversReport } from '../hosts-command/clean-leftovers.ts';
import type { EventSink } from '../domain/events.ts';
import type { CliIo } from './io.ts';
import { warningsTo } from './warnings-to.ts';

const PARALLEL_HOSTS = 4;

type HostOutcome = { host: string; report: LeftoversReport } | { host: string; error: string };

export interface HostsCleanOptions {
  config: string;
}

/**
 * `smoke hosts clean`: stops the process groups and removes the run directories earlier runs
 * left on each host (an interrupted run, `--keep-on-failure`). Do not run it while a `smoke run`
 * uses the same hosts: their run directories look the same. Exit 0 when every host is clean after.
 */
export async function hostsCleanCommand(options: HostsCleanOptions, io: CliIo): Promise<number> {
  const config = await loadConfig(resolve(options.config), io.env);
  const limit = pLimit(PARALLEL_HOSTS);
  const warn = warningsTo(io);
  const outcomes = await Promise.all(config.hosts.map((host) => limit(() => cleanOneHost(host, warn))));
  for (const outcome of outcomes) io.stdout.write(describeOutcome(outcome));
  const dirty = outcomes.filter((o) => 'error' in o || o.report.problems.length > 0).length;
  if (dirty > 0) io.stderr.write(`smoke: ${dirty} of ${outcomes.length} host(s) not clean\n`);
  return dirty === 0 ? EXIT.pass : EXIT.fail;
}

async function cleanOneHost(host: HostConfig, onEvent: EventSink): Promise<HostOutcome> {
  try {
    const remote = await connectHost(host, { onEvent });
    try {
      return { host: host.name, report: await cleanLeftovers(remote, shellFor(host)) };
    } finally {
      await remote.close();
    }
  } catch (error) {
    if (error instanceof HostError) return { host: host.name, error: withoutHostPrefix(error.message, host.name) };
    throw error;
  }
}

function describeOutcome(outcome: HostOutcome): string {
  const head = `host ${outcome.host}: `;
  if ('error' in outcome) return `${head}not cleaned: ${outcome.error}\n`;
  const { runs, swept, problems } = outcome.report;
  if (runs.length === 0 && swept.length === 0) return `${head}clean (nothing left by earlier runs)\n`;
  const lines = runs.length === 0 ? [`${head}no leftover run directories`] : [`${head}found ${runs.length} leftover run(s)`];
  for (const { run, cleanup } of runs) {
    const stops = cleanup.stopped.map(describeStop).filter((s) => s !== undefined);
    const removed = cleanup.removed ? 'removed' : 'NOT removed';
    lines.push(`  ${run.runDir}: ${[...stops, removed].join(', ')}`);
  }
  const stopped = swept.filter((p) => !p.survived);
  if (stopped.length > 0) lines.push(`  stopped ${stopped.length} process(es) earlier runs left running outside their process groups: ${describeSwept(stopped)}`);
  for (const problem of problems) lines.push(`  problem: ${problem}`);
  lines.push(problems.length === 0 ? `${head}clean` : `${head}NOT clean`);
  return lines.join('\n') + '\n';
}

function describeStop(stop: StopReport): string | undefined {
  switch (stop.outcome) {
    case 'term':
      return `stopped process group ${stop.pid} (SIGTERM)`;
    case 'kill':
      return `killed process group ${stop.pid}`;
    case 'survived':
      return `process group ${stop.pid} survived SIGKILL`;
    case 'not-running':
    case 'no-pid':
      return undefined; // nothing was running: not worth a word
  }
}
