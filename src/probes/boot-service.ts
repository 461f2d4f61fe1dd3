import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { BootProbeSettings } from '../config/types.ts';
import { HostError } from '../domain/errors.ts';
import { checkResult, type CheckResult } from '../domain/verdict.ts';
import type { ExecResult } from '../hosts/remote.ts';
import { binaryArgv } from '../shells/binary-argv.ts';
import { capText, EXEC_MARGIN_MS, firstLine, runOnHost } from '../hosts/run-on-host.ts';
import { probeConfigToml } from './boot-serve.ts';
import { formatDuration } from '../domain/format-duration.ts';
import type { Probe } from './probe.ts';

export interface BootServiceInput {
  binaryPath: string;
  runDir: string;
  settings: BootProbeSettings;
  pollMs?: number;
}

/**
 * Opt-in: installs the binary under test as the host's service, starts it, waits for `status`
 * to answer, then stops and uninstalls it whatever happened. `start` alone would boot whatever
 * was installed before, so install always comes first.
 */
export const probeBootService: Probe<BootServiceInput> = async (remote, shell, input) => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const dataDir = shell.joinPath(input.runDir, 'data');
  const step = (args: string[], what: string, timeoutMs = remote.host.timeouts.commandMs): Promise<ExecResult> =>
    runOnHost(
      remote,
      shell.runWithTimeout({ argv: binaryArgv(remote.host, input.binaryPath, args), cwd: input.runDir, timeoutMs, sudo: remote.host.sudo }),
      what,
      { timeoutMs: timeoutMs + EXEC_MARGIN_MS, maxOutputBytes: 16 * 1024 },
    );
  let installed = false;
  let result: CheckResult | undefined;
  try {
    await runOnHost(remote, shell.makeDir(dataDir), 'make the data directory', { timeoutMs: remote.host.timeouts.commandMs });
    await remote.writeFile(shell.joinPath(dataDir, 'config.toml'), probeConfigToml(input.settings.port || 8080), { timeoutMs: remote.host.timeouts.commandMs });
    installed = true; // from here on, uninstall runs whatever happens
    const install = await step(['install', '--data-dir', dataDir], 'ephemerd install');
    const start = install.exitCode === 0 ? await step(['start'], 'ephemerd start') : undefined;
    if (install.exitCode !== 0) result = checkResult('boot', 'fail', `install exited with code ${String(install.exitCode)}`, elapsed(), output(install));
    else if (start && start.exitCode !== 0) result = checkResult('boot', 'fail', `start exited with code ${String(start.exitCode)}`, elapsed(), output(start));
    else result = await waitForStatus(input, elapsed, () => step(['status', '--data-dir', dataDir], 'ephemerd status'));
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    result = checkResult('boot', 'error', error.message, elapsed());
  } finally {
    if (installed) result = await removeService(step, result ?? checkResult('boot', 'error', 'the probe stopped early'), elapsed);
  }
  return result;
};

async function waitForStatus(input: BootServiceInput, elapsed: () => number, status: () => Promise<ExecResult>): Promise<CheckResult> {
  const deadline = performance.now() + input.settings.timeoutMs;
  let last: ExecResult | undefined;
  while (performance.now() < deadline) {
    last = await status();
    if (last.exitCode === 0 && /"status"\s*:\s*"ok"/.test(last.stdout)) return checkResult('boot', 'pass', `service answered status ok in ${formatDuration(elapsed())}`, elapsed());
    await delay(input.pollMs ?? 500);
  }
  const said = last ? firstLine(last.stdout) || firstLine(last.stderr) : '';
  return checkResult('boot', 'fail', `service did not answer status ok within ${formatDuration(input.settings.timeoutMs)}${said ? `: ${said.slice(0, 200)}` : ''}`, elapsed(), last ? output(last) : undefined);
}

/** Stop and uninstall always run; a service left installed turns a pass into an error. */
async function removeService(
  step: (args: string[], what: string) => Promise<ExecResult>,
  result: CheckResult,
  elapsed: () => number,
): Promise<CheckResult> {
  const problems: string[] = [];
  for (const [args, what] of [[['stop'], 'ephemerd stop'], [['uninstall', '--yes'], 'ephemerd uninstall']] as const) {
    try {
      const res = await step([...args], what);
      if (res.exitCode !== 0) problems.push(`${what} exited with code ${String(res.exitCode)}`);
    } catch (error) {
      if (!(error instanceof HostError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length === 0) return result;
  const detail = `${result.detail}; ${problems.join('; ')}`;
  return { ...result, status: result.status === 'pass' ? 'error' : result.status, detail, durationMs: elapsed() };
}

function output(res: ExecResult): string {
  return capText([res.stdout, res.stderr].filter((s) => s !== '').join('\n--- stderr ---\n'));
}
