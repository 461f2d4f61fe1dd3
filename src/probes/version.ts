import { performance } from 'node:perf_hooks';
import type { VersionProbeSettings } from '../config/types.ts';
import { HostError } from '../domain/errors.ts';
import { checkResult, type CheckResult } from '../domain/verdict.ts';
import type { ExecResult, Remote } from '../hosts/remote.ts';
import { binaryArgv } from '../shells/binary-argv.ts';
import type { Shell } from '../shells/shell.ts';
import { capText, EXEC_MARGIN_MS, runOnHost } from '../hosts/run-on-host.ts';
import { leftoversNote, sweepLeftovers } from './sweep-leftovers.ts';
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
  const command = shell.runWithTimeout({
    argv: binaryArgv(remote.host, input.binaryPath, ['--version']),
    cwd: input.runDir,
    timeoutMs: input.settings.timeoutMs,
    sudo: remote.host.sudo,
    runMark: input.runDir,
  });
  try {
    const res = await runOnHost(remote, command, 'run --version', {
      timeoutMs: input.settings.timeoutMs + EXEC_MARGIN_MS,
      maxOutputBytes: 16 * 1024,
    });
    const judged = judge(res, input, expected, shell);
    // `--version` must print and exit: anything it left running (a child that left its group,
    // streams closed, so the exec ended) is a defect of the build, and must not outlive the run.
    const swept = await sweepLeftovers(remote, shell, { runDir: input.runDir }, remote.host.probes.boot.stopGraceMs);
    if (swept.length === 0) return checkResult('version', judged.status, judged.detail, elapsed(), judged.evidence);
    const note = leftoversNote('--version', swept);
    return checkResult('version', 'fail', judged.status === 'fail' ? `${judged.detail}; ${note}` : note, elapsed(), judged.evidence);
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    return checkResult('version', 'error', error.message, elapsed());
  }
};

interface Judged {
  status: 'pass' | 'fail';
  detail: string;
  evidence?: string;
}

function judge(res: ExecResult, input: VersionProbeInput, expected: string, shell: Shell): Judged {
  const printed = res.stdout.trim();
  const evidence = capText([res.stdout, res.stderr].filter((s) => s !== '').join('\n--- stderr ---\n'));
  if (shell.timedOut(res.exitCode)) return { status: 'fail', detail: `did not answer --version within ${formatDuration(input.settings.timeoutMs)}`, evidence };
  if (res.exitCode !== 0) return { status: 'fail', detail: `--version exited with code ${String(res.exitCode ?? res.signal)}`, evidence };
  if (printed === expected) return { status: 'pass', detail: `printed "${expected}"` };
  const shown = printed === '' ? 'nothing' : JSON.stringify(capText(printed, 200));
  return { status: 'fail', detail: `printed ${shown}, expected "${expected}"`, evidence };
}
