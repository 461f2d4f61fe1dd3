import { performance } from 'node:perf_hooks';
import type { BootProbeSettings } from '../config/types.ts';
import { HostError } from '../domain/errors.ts';
import { checkResult, type CheckResult, type CheckStatus } from '../domain/verdict.ts';
import type { Remote } from '../hosts/remote.ts';
import { binaryArgv } from '../shells/binary-argv.ts';
import { parseStopLines, parseSweepLines, PID_DIR, type Shell, type StopReport, type SweptProcess } from '../shells/shell.ts';
import { excerptAround, LogFollower, newLogState, type LogState } from './log-follower.ts';
import { EXEC_MARGIN_MS, firstLine, runOnHost } from '../hosts/run-on-host.ts';
import { leftoversNote, SWEEP_RUN_STEP, sweepLeftovers, sweepTimeoutMs } from './sweep-leftovers.ts';
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
  const { before, after } = probeConfigAroundPort();
  return `${before}${port}${after}`;
}

/** The probe's config.toml in the two parts around its port, for a host that picks the port itself. */
function probeConfigAroundPort(): { before: string; after: string } {
  const before = ['# Written by the smoke probe. The owner and token are dummies on purpose.', '[github]', 'owner = "smoke-probe"', 'token = "smoke-probe-dummy-token"', '', '[webhook]', 'port = '];
  return { before: before.join('\n'), after: '\n' };
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
  const pidFile = shell.joinPath(input.runDir, PID_DIR, 'boot-serve.pid');
  const logFile = shell.joinPath(input.runDir, 'boot-serve.log');
  const log = newLogState();
  const launched = await launch(remote, shell, { ...input, logFile, pidFile });
  let outcome: Outcome;
  if ('error' in launched) outcome = { status: 'error', detail: launched.error };
  else {
    try {
      outcome = await watch(remote, shell, { ...input, port: launched.port, logFile, pidFile, log });
    } catch (error) {
      if (!(error instanceof HostError)) throw error;
      outcome = { status: 'error', detail: error.message };
    }
  }
  const mayRun = !('error' in launched) || launched.mayRun;
  if (mayRun) outcome = await stopAndJudge(remote, shell, { pidFile, runDir: input.runDir, graceMs: input.settings.stopGraceMs }, outcome);
  const excerpt = log.lines.length > 0 ? excerptAround(log, outcome.excerptAt) : undefined;
  return checkResult('boot', outcome.status, outcome.detail, elapsed(), excerpt);
};

/** The port the daemon serves on; or why it could not be started, and whether it may run all the same. */
type Launched = { port: number } | { error: string; mayRun: boolean };

/**
 * Makes the data directory, picks the port (a free one for port 0), writes the config and starts
 * the daemon, in one exec (`Shell.makeDataDirAndStart`). The `port` line it prints tells a failure
 * before the start from one of the start.
 */
async function launch(remote: Remote, shell: Shell, input: BootServeInput & { logFile: string; pidFile: string }): Promise<Launched> {
  const host = remote.host;
  const dataDir = shell.joinPath(input.runDir, 'data');
  const port = input.settings.port;
  const start = { argv: binaryArgv(host, input.binaryPath, ['serve', '--data-dir', dataDir]), cwd: input.runDir, logFile: input.logFile, pidFile: input.pidFile, sudo: host.sudo, runMark: input.runDir };
  const command = shell.makeDataDirAndStart({ dataDir, port, config: { path: shell.joinPath(dataDir, 'config.toml'), ...probeConfigAroundPort() }, start });
  const prepare = port === 0 ? 'make the data directory and find a free port' : 'make the data directory';
  let res;
  try {
    // Each part keeps its own budget.
    res = await runOnHost(remote, command, `${prepare} and start ephemerd serve`, { timeoutMs: 2 * host.timeouts.commandMs, maxOutputBytes: 64 * 1024 });
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    return { error: error.message, mayRun: true }; // no answer: it may have started
  }
  const failed = (step: string, why: string, mayRun: boolean): Launched => ({ error: new HostError(host.name, `${step}: ${why}`).message, mayRun });
  const portLine = /^port (.*)$/m.exec(res.stdout);
  const why = firstLine(res.stderr) || firstLine(res.stdout.replace(/^port .*$/m, '')) || `exit code ${String(res.exitCode)}`;
  if (!portLine) return failed(prepare, res.exitCode === 0 ? 'no port number printed' : why, false);
  if (res.exitCode !== 0) return failed('start ephemerd serve', why, true);
  const chosen = Number(portLine[1]!.trim());
  if (!Number.isInteger(chosen) || chosen <= 0) return failed(prepare, 'no port number printed', true);
  return { port: chosen };
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
 * Stops the group whatever happened, then sweeps what still carries the run's mark, in one exec
 * (`Shell.stopAndSweep`); both can only make the outcome worse, never better. When the stop
 * itself failed the sweep is tried alone, as it would have been after a separate stop.
 */
async function stopAndJudge(remote: Remote, shell: Shell, o: { pidFile: string; runDir: string; graceMs: number }, outcome: Outcome): Promise<Outcome> {
  const command = shell.stopAndSweep({ pidFiles: [o.pidFile], runDir: o.runDir, graceMs: o.graceMs, sudo: remote.host.sudo });
  const timeoutMs = o.graceMs + remote.host.timeouts.commandMs + sweepTimeoutMs(remote, o.graceMs);
  let res;
  try {
    res = await runOnHost(remote, command, 'stop ephemerd serve', { timeoutMs, maxOutputBytes: 64 * 1024 });
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    return sweepAndJudge(remote, shell, o, withHostError(outcome, error.message));
  }
  const stopped = parseStopLines(res.stdout)[0];
  const why = firstLine(res.stderr) || `exit code ${String(res.exitCode)}`;
  if (stopped === undefined) {
    const failed = withHostError(outcome, new HostError(remote.host.name, `stop ephemerd serve: ${res.exitCode === 0 ? 'it printed no stop line' : why}`).message);
    return sweepAndJudge(remote, shell, o, failed);
  }
  const judged = judgeStop(stopped, o.graceMs, shell, outcome);
  if (res.exitCode !== 0) return withHostError(judged, new HostError(remote.host.name, `${SWEEP_RUN_STEP}: ${why}`).message);
  return judgeSwept(parseSweepLines(res.stdout), judged);
}

/** The sweep alone, for when the stop failed. */
async function sweepAndJudge(remote: Remote, shell: Shell, o: { runDir: string; graceMs: number }, outcome: Outcome): Promise<Outcome> {
  try {
    return judgeSwept(await sweepLeftovers(remote, shell, { runDir: o.runDir }, o.graceMs), outcome);
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    return withHostError(outcome, error.message);
  }
}

/** A group that survived SIGKILL is an `error`; one that ignored SIGTERM is said. */
function judgeStop(stopped: StopReport, graceMs: number, shell: Shell, outcome: Outcome): Outcome {
  if (stopped.outcome === 'survived') return withHostError(outcome, `process group ${stopped.pid} survived SIGKILL`);
  if (stopped.outcome === 'kill' && shell.graceful) return { ...outcome, detail: `${outcome.detail}; ignored SIGTERM for ${formatDuration(graceMs)}, killed` };
  return outcome;
}

/**
 * After the group is stopped, anything still carrying the run's mark left the group (`setsid`, a
 * double fork): a daemon must not orphan its children, so that is a `fail`, and they are stopped.
 */
function judgeSwept(swept: SweptProcess[], outcome: Outcome): Outcome {
  if (swept.length === 0) return outcome;
  const note = leftoversNote('ephemerd serve', swept);
  return { ...outcome, status: 'fail', detail: outcome.status === 'fail' ? `${outcome.detail}; ${note}` : note };
}

/** A problem of the host: said after a `fail`'s reason, otherwise the outcome becomes an `error`. */
function withHostError(outcome: Outcome, message: string): Outcome {
  return outcome.status === 'fail' ? { ...outcome, detail: `${outcome.detail}; and ${message}` } : { ...outcome, status: 'error', detail: message };
}
