import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { VersionProbeSettings } from '../config/types.ts';
import { HostError } from '../domain/errors.ts';
import { checkResult, type CheckResult } from '../domain/verdict.ts';
import type { ExecResult, Remote } from '../hosts/remote.ts';
import { binaryArgv } from '../shells/binary-argv.ts';
import { parseSweepLines, splitRunThenSweep, SWEEP_LINE, type RunThenSweep, type Shell, type SweptProcess } from '../shells/shell.ts';
import { capText, EXEC_MARGIN_MS, firstLine, runOnHost } from '../hosts/run-on-host.ts';
import { leftoversNote, SWEEP_RUN_STEP, sweepLeftovers, sweepTimeoutMs } from './sweep-leftovers.ts';
import { formatDuration } from '../domain/format-duration.ts';
import type { Probe } from './probe.ts';

export interface VersionProbeInput {
  binaryPath: string;
  runDir: string;
  tag: string;
  settings: VersionProbeSettings;
}

/**
 * `ephemerd --version` must print exactly `ephemerd version <tag>`. Never `ephemerd version`:
 * that falls through to `serve` and starts the daemon.
 */
export const probeVersion: Probe<VersionProbeInput> = async (remote, shell, input) => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const expected = `ephemerd version ${input.tag}`;
  const graceMs = remote.host.probes.boot.stopGraceMs;
  // Random per run: the binary's output cannot end its own part early.
  const marker = randomBytes(12).toString('hex');
  const run = { argv: binaryArgv(remote.host, input.binaryPath, ['--version']), cwd: input.runDir, timeoutMs: input.settings.timeoutMs, sudo: remote.host.sudo, runMark: input.runDir };
  try {
    // The sweep rides in the same exec: one command (one PowerShell start on Windows) less.
    const res = await runOnHost(remote, shell.runThenSweep({ run, graceMs, marker }), 'run --version', {
      timeoutMs: input.settings.timeoutMs + EXEC_MARGIN_MS + sweepTimeoutMs(remote, graceMs),
      maxOutputBytes: 16 * 1024 + 64 * 1024,
    });
    const split = splitRunThenSweep(res, marker);
    const judged = judge(split?.run ?? res, input, expected, shell);
    // `--version` must print and exit: anything it left running (a child that left its group,
    // streams closed, so the exec ended) is a defect of the build, and must not outlive the run.
    const swept = split ? sweptOrThrow(remote, split.sweep) : await sweepLeftovers(remote, shell, { runDir: input.runDir }, graceMs);
    if (swept.length === 0) return checkResult('version', judged.status, judged.detail, elapsed(), judged.evidence);
    const note = leftoversNote('--version', swept);
    return checkResult('version', 'fail', judged.status === 'fail' ? `${judged.detail}; ${note}` : note, elapsed(), judged.evidence);
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    return checkResult('version', 'error', error.message, elapsed());
  }
};

/** The sweep's processes, or the HostError a separate sweep would have thrown. */
function sweptOrThrow(remote: Remote, sweep: RunThenSweep['sweep']): SweptProcess[] {
  if (sweep.exitCode === 0) return parseSweepLines(sweep.stdout);
  const said = sweep.stdout.split(/\r?\n/).filter((l) => !SWEEP_LINE.test(l)).join('\n');
  throw new HostError(remote.host.name, `${SWEEP_RUN_STEP}: ${firstLine(said) || `exit code ${String(sweep.exitCode)}`}`);
}

/**
 * The shell in front of the binary reports a death by signal N as 128 + N: name the likely
 * signal (a binary may also exit with such a code itself, hence "likely").
 */
export function signalHint(exitCode: number | null, shell: Pick<Shell, 'kind'>): string {
  if (shell.kind !== 'posix' || exitCode === null || exitCode <= 128 || exitCode > 128 + 64) return '';
  const name = Object.entries(constants.signals).find(([, n]) => n === exitCode - 128)?.[0];
  return name ? ` (likely killed by ${name})` : '';
}

interface Judged {
  status: 'pass' | 'fail';
  detail: string;
  evidence?: string;
}

function judge(res: ExecResult, input: VersionProbeInput, expected: string, shell: Shell): Judged {
  const printed = res.stdout.trim();
  const evidence = capText([res.stdout, res.stderr].filter((s) => s !== '').join('\n--- stderr ---\n'));
  if (shell.timedOut(res.exitCode)) return { status: 'fail', detail: `did not answer --version within ${formatDuration(input.settings.timeoutMs)}`, evidence };
  if (res.exitCode !== 0) return { status: 'fail', detail: `--version exited with code ${String(res.exitCode ?? res.signal)}${signalHint(res.exitCode, shell)}`, evidence };
  if (printed === expected) return { status: 'pass', detail: `printed "${expected}"` };
  const shown = printed === '' ? 'nothing' : JSON.stringify(capText(printed, 200));
  return { status: 'fail', detail: `printed ${shown}, expected "${expected}"`, evidence };
}
