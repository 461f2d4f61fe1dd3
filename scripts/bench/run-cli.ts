// Runs the real CLI as a child process and measures its wall time and peak RSS.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface CliRun {
  exitCode: number | null;
  wallMs: number;
  /** Peak resident set of the CLI process (VmHWM), in bytes. */
  peakRssBytes: number;
  stdout: string;
  stderr: string;
}

/** `node bin/smoke.js <args>`; SIGTERM once `stopWhen` says so (for `watch`), or after 15 minutes. */
export async function runCli(args: string[], env: Record<string, string>, stopWhen: () => boolean = () => false): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin/smoke.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-64 * 1024)));
  // VmHWM only grows: the last sample before exit is the peak, give or take the final 50 ms.
  let peak = 0;
  const sample = () =>
    readFile(`/proc/${child.pid}/status`, 'utf8').then(
      (s) => {
        const kb = Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0);
        peak = Math.max(peak, kb * 1024);
      },
      () => undefined, // the process is gone
    );
  const deadline = started + 15 * 60_000;
  const sampler = setInterval(() => {
    void sample();
    if (stopWhen() || performance.now() > deadline) child.kill('SIGTERM');
  }, 50);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearInterval(sampler);
  return { exitCode, wallMs: performance.now() - started, peakRssBytes: peak, stdout, stderr };
}
