import { performance } from 'node:perf_hooks';
import type { ExtraProbeSettings } from '../config/types.ts';
import { HostError } from '../domain/errors.ts';
import { checkResult } from '../domain/verdict.ts';
import type { Remote } from '../hosts/remote.ts';
import { binaryArgv } from '../shells/binary-argv.ts';
import type { Shell } from '../shells/shell.ts';
import { capText, EXEC_MARGIN_MS, runOnHost } from '../hosts/run-on-host.ts';
import { formatDuration } from '../domain/format-duration.ts';
import type { Probe } from './probe.ts';

export interface CustomProbeInput {
  binaryPath: string;
  runDir: string;
  probe: ExtraProbeSettings;
}

/**
 * `{binary}` becomes the way this host runs the binary (its launcher, if any, then the path),
 * each word quoted for the host's shell; PowerShell needs `&` to call a quoted path.
 */
export function expandCommand(shell: Shell, host: Remote['host'], command: string, binaryPath: string): string {
  const words = binaryArgv(host, binaryPath, []).map((w) => shell.quote(w)).join(' ');
  const invocation = shell.kind === 'powershell' ? `& ${words}` : words;
  return command.replaceAll('{binary}', invocation);
}

/** A probe from the config: its exit code and, when set, its stdout decide. */
export const probeCustom: Probe<CustomProbeInput> = async (remote, shell, input) => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const { probe } = input;
  const script = expandCommand(shell, remote.host, probe.command, input.binaryPath);
  const command = shell.runScriptWithTimeout({ script, cwd: input.runDir, timeoutMs: probe.timeoutMs, sudo: remote.host.sudo, runMark: input.runDir });
  try {
    const res = await runOnHost(remote, command, `run probe ${probe.name}`, { timeoutMs: probe.timeoutMs + EXEC_MARGIN_MS, maxOutputBytes: 64 * 1024 });
    const evidence = capText([res.stdout, res.stderr].filter((s) => s !== '').join('\n--- stderr ---\n'));
    if (shell.timedOut(res.exitCode)) return checkResult(probe.name, 'fail', `did not finish within ${formatDuration(probe.timeoutMs)}`, elapsed(), evidence);
    if (res.exitCode !== probe.expectExitCode) {
      return checkResult(probe.name, 'fail', `exited with code ${String(res.exitCode ?? res.signal)}, expected ${probe.expectExitCode}`, elapsed(), evidence);
    }
    if (probe.expectOutput !== undefined && !new RegExp(probe.expectOutput).test(res.stdout)) {
      return checkResult(probe.name, 'fail', `output does not match /${probe.expectOutput}/`, elapsed(), evidence);
    }
    return checkResult(probe.name, 'pass', `exited with code ${probe.expectExitCode}${probe.expectOutput ? ` and matched /${probe.expectOutput}/` : ''}`, elapsed());
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    return checkResult(probe.name, 'error', error.message, elapsed());
  }
};
