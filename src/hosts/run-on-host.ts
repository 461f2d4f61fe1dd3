import { HostError } from '../domain/errors.ts';
import type { ExecOptions, ExecResult, Remote } from './remote.ts';
import { formatDuration } from '../domain/format-duration.ts';

/** Headroom for the SSH round trip beyond a timeout the host enforces itself. */
export const EXEC_MARGIN_MS = 15_000;

/**
 * Runs one command and turns what the infrastructure did wrong (a dropped connection, an exec
 * that never returned) into a HostError naming the step, so probes can report `error` and
 * keep `fail` for what the binary did.
 */
export async function runOnHost(
  remote: Remote,
  command: string,
  step: string,
  options: ExecOptions,
): Promise<ExecResult> {
  let result: ExecResult;
  try {
    result = await remote.exec(command, options);
  } catch (error) {
    if (error instanceof HostError) throw error;
    throw new HostError(remote.host.name, `${step}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (result.timedOut) throw new HostError(remote.host.name, `${step}: no answer within ${formatDuration(options.timeoutMs)}`);
  return result;
}

/** Runs a command that must succeed; its stderr names the problem otherwise. */
export async function runChecked(remote: Remote, command: string, step: string, timeoutMs: number): Promise<string> {
  const result = await runOnHost(remote, command, step, { timeoutMs, maxOutputBytes: 64 * 1024 });
  if (result.exitCode !== 0) {
    const why = firstLine(result.stderr) || firstLine(result.stdout) || `exit code ${String(result.exitCode)}`;
    throw new HostError(remote.host.name, `${step}: ${why}`);
  }
  return result.stdout;
}

export function firstLine(text: string): string {
  return text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
}

/** Evidence from a host is capped before it goes anywhere (the renderer escapes it later). */
export function capText(text: string, maxChars = 4000): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  return `${text.slice(0, half)}\n… ${text.length - maxChars} characters elided …\n${text.slice(-half)}`;
}
