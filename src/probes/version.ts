import { performance } from 'node:perf_hooks';
import type { VersionProbeSettings } from '../config/types.ts';
import { HostError } from '../domain/errors.ts';
import { checkResult } from '../domain/verdict.ts';
import { binaryArgv } from '../shells/binary-argv.ts';
import { capText, EXEC_MARGIN_MS, runOnHost } from '../hosts/run-on-host.ts';
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
  });
  try {
    const res = await runOnHost(remote, command, 'run --version', {
      timeoutMs: input.settings.timeoutMs + EXEC_MARGIN_MS,
      maxOutputBytes: 16 * 1024,
    });
    const printed = res.stdout.trim();
    const evidence = capText([res.stdout, res.stderr].filter((s) => s !== '').join('\n--- stderr ---\n'));
    if (shell.timedOut(res.exitCode)) {
      return checkResult('version', 'fail', `did not answer --version within ${formatDuration(input.settings.timeoutMs)}`, elapsed(), evidence);
    }
    if (res.exitCode !== 0) {
      return checkResult('version', 'fail', `--version exited with code ${String(res.exitCode ?? res.signal)}`, elapsed(), evidence);
    }
    if (printed === expected) return checkResult('version', 'pass', `printed "${expected}"`, elapsed());
    const shown = printed === '' ? 'nothing' : JSON.stringify(capText(printed, 200));
    return checkResult('version', 'fail', `printed ${shown}, expected "${expected}"`, elapsed(), evidence);
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    return checkResult('version', 'error', error.message, elapsed());
  }
};
