import { performance } from 'node:perf_hooks';
import type { BootProbeSettings } from '../config/types.ts';
import { HostError } from '../domain/errors.ts';
import { checkResult, type CheckResult, type CheckStatus } from '../domain/verdict.ts';
import type { Remote } from '../hosts/remote.ts';
import { binaryArgv } from '../shells/binary-argv.ts';
import { parseStopLines, PID_DIR, type Shell } from '../shells/shell.ts';
import { excerptAround, LogFollower, newLogState, type LogState } from './log-follower.ts';
import { EXEC_MARGIN_MS, firstLine, runChecked, runOnHost } from '../hosts/run-on-host.ts';
import { leftoversNote, sweepLeftovers } from './sweep-leftovers.ts';
import { formatDuration } from '../domain/format-duration.ts';
import type { Probe } from './probe.ts';

export interface BootServeInput {
  binaryPath: string;
  runDir: string;
  settings: BootProbeSettings;
  /** How often the log is read. */
  pollMs?: number;
  /** After ready (and /healthz), keep reading this long for a known bad line that follows. */
  settleMs?: number;
}

/** Never a real token: a real one could claim real queued jobs. */
export function probeConfigToml(port: number): string {
  return [
    '# Written by the smoke probe. The owner and token are dummies on purpose.',
    '[github]',
    'owner = "smoke-probe"',
    'token = "smoke-probe-dummy-token"',
    '',
    '[webhook]',
    `port = ${port}`,
    '',
  ].join('\n');
}

interface Outcome {
  status: CheckStatus;
  detail: string;
  excerptAt?: number;
}

/**
 * Boots `ephemerd serve` with its own data dir and port, in its own process group, and watches
 * its log: ready (and /healthz) without a known bad line and without exiting is a pass. It is
 * always stopped, and a group that survives SIGKILL is an `error`.
 */
export const probeBootServe: Probe<BootServeInput> = async (remote, shell, input) => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const { settings } = input;
  const host = remote.host;
  const pidFile = shell.joinPath(input.runDir, PID_DIR, 'boot-serve.pid');
  const log = newLogState();
  let outcome: Outcome;
  let launched = false;
  try {
    const dataDir = shell.joinPath(input.runDir, 'data');
    const port = await makeDataDir(remote, shell, dataDir, settings.port);
    await remote.writeFile(shell.joinPath(dataDir, 'config.toml'), probeConfigToml(port), { timeoutMs: host.timeouts.commandMs });
    const argv = binaryArgv(host, input.binaryPath, ['serve', '--data-dir', dataDir]);
    const logFile = shell.joinPath(input.runDir, 'boot-serve.log');
    launched = true;
    await runChecked(remote, shell.startBackground({ argv, cwd: input.runDir, logFile, pidFile, sudo: host.sudo, runMark: input.runDir }), 'start ephemerd serve', host.timeouts.commandMs);
    outcome = await watch(remote, shell, { ...input, port, logFile, pidFile, log });
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    outcome = { status: 'error', detail: error.message };
  }
  if (launched) outcome = await stopAndJudge(remote, shell, pidFile, settings.stopGraceMs, outcome);
  if (launched) outcome = await sweepAndJudge(remote, shell, input.runDir, settings.stopGraceMs, outcome);
  const excerpt = log.lines.length > 0 ? excerptAround(log, outcome.excerptAt) : undefined;
  return checkResult('boot', outcome.status, outcome.detail, elapsed(), excerpt);
};

/** Makes the data directory and, for port 0, finds a free port in the same exec. */
async function makeDataDir(remote: Remote, shell: Shell, dataDir: string, port: number): Promise<number> {
  const commandMs = remote.host.timeouts.commandMs;
  if (port !== 0) {
    await runChecked(remote, shell.makeDir(dataDir), 'make the data directory', commandMs);
    return port;
  }
  const step = 'make the data directory and find a free port';
  const free = Number(firstLine(await runChecked(remote, shell.makeDirAndFreePort(dataDir), step, commandMs)));
  if (!Number.isInteger(free) || free <= 0) throw new HostError(remote.host.name, `${step}: no port number printed`);
  return free;
}

async function watch(
  remote: Remote,
  shell: Shell,
  w: BootServeInput & { port: number; logFile: string; pidFile: string; log: LogState },
): Promise<Outcome> {
  const { settings } = w;
  const ready = new RegExp(settings.readyPattern);
  const bad = settings.failPatterns.map((p) => new RegExp(p));
  const startedAt = performance.now();
  const left = () => settings.timeoutMs - (performance.now() - startedAt);
  let readyAt: number | undefined;
  let readySince: number | undefined;
  let healthy = !settings.healthz;
  const follower = new LogFollower(remote, shell, {
    logFile: w.logFile,
    pidFile: w.pidFile,
    state: w.log,
    intervalMs: w.pollMs ?? 250,
    // Past the timeout the loop below has stopped following; the margin covers /healthz and settling.
    maxRunMs: settings.timeoutMs + (w.settleMs ?? 1000) + EXEC_MARGIN_MS,
    readTimeoutMs: remote.host.timeouts.commandMs,
  });
  try {
    for (;;) {
      const before = w.log.dropped + w.log.lines.length;
      const { alive, newLines, more, at: arrived } = await follower.next();
      for (const [i, line] of newLines.entries()) {
        const at = before + i;
        const pattern = bad.find((re) => re.test(line));
        if (pattern) return { status: 'fail', detail: `logged a known bad line (/${pattern.source}/): ${line.slice(0, 300)}`, excerptAt: at };
        if (readyAt === undefined && ready.test(line)) {
          readyAt = at;
          readySince = arrived;
        }
      }
      if (!alive && !more) {
        const last = [...w.log.lines].reverse().find((l) => l.trim() !== '') ?? '(no output)';
        const when = readyAt === undefined ? 'before it was ready' : 'after it was ready';
        return { status: 'fail', detail: `exited ${when}: ${last.slice(0, 300)}` };
      }
      if (readyAt !== undefined && !healthy) healthy = await healthzOk(remote, shell, w.port);
      // Settled only on a read the host made that long after the ready line, not on one that waited.
      if (readyAt !== undefined && healthy && arrived - (readySince ?? 0) >= (w.settleMs ?? 1000)) {
        const how = settings.healthz ? ` and /healthz answered "status":"ok" on port ${w.port}` : '';
        return { status: 'pass', detail: `ready in ${formatDuration((readySince ?? 0) - startedAt)}${how}`, excerptAt: readyAt };
      }
      if (left() <= 0) {
        const what = readyAt === undefined ? `no line matching /${settings.readyPattern}/` : `/healthz on port ${w.port} did not answer "status":"ok"`;
        return { status: 'fail', detail: `${what} within ${formatDuration(settings.timeoutMs)}` };
      }
    }
  } finally {
    follower.stop();
  }
}

async function healthzOk(remote: Remote, shell: Shell, port: number): Promise<boolean> {
  const res = await runOnHost(remote, shell.healthz({ port, timeoutMs: 2000 }), 'GET /healthz', { timeoutMs: 2000 + 10_000, maxOutputBytes: 16 * 1024 });
  return res.exitCode === 0 && /"status"\s*:\s*"ok"/.test(res.stdout);
}

/**
 * After the group is stopped, anything still carrying the run's mark left the group (`setsid`, a
 * double fork): a daemon must not orphan its children, so that is a `fail`, and they are stopped.
 */
async function sweepAndJudge(remote: Remote, shell: Shell, runDir: string, graceMs: number, outcome: Outcome): Promise<Outcome> {
  let swept;
  try {
    swept = await sweepLeftovers(remote, shell, { runDir }, graceMs);
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    return outcome.status === 'fail' ? { ...outcome, detail: `${outcome.detail}; and ${error.message}` } : { ...outcome, status: 'error', detail: error.message };
  }
  if (swept.length === 0) return outcome;
  const note = leftoversNote('ephemerd serve', swept);
  return { ...outcome, status: 'fail', detail: outcome.status === 'fail' ? `${outcome.detail}; ${note}` : note };
}

/** Stops the group whatever happened; the stop can only make the outcome worse, never better. */
async function stopAndJudge(remote: Remote, shell: Shell, pidFile: string, graceMs: number, outcome: Outcome): Promise<Outcome> {
  let stopped;
  try {
    const out = await runChecked(remote, shell.stopGroups({ pidFiles: [pidFile], graceMs, sudo: remote.host.sudo }), 'stop ephemerd serve', graceMs + remote.host.timeouts.commandMs);
    stopped = parseStopLines(out)[0];
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    return outcome.status === 'fail' ? { ...outcome, detail: `${outcome.detail}; and ${error.message}` } : { ...outcome, status: 'error', detail: error.message };
  }
  if (stopped?.outcome === 'survived') {
    const note = `process group ${stopped.pid} survived SIGKILL`;
    return outcome.status === 'fail' ? { ...outcome, detail: `${outcome.detail}; ${note}` } : { ...outcome, status: 'error', detail: note };
  }
  if (stopped?.outcome === 'kill' && shell.graceful) {
    return { ...outcome, detail: `${outcome.detail}; ignored SIGTERM for ${formatDuration(graceMs)}, killed` };
  }
  return outcome;
}
