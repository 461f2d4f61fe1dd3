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
  /** CPU time (user + system) of the CLI process, its threads included, as last sampled before it exited. */
  cpuMs: number;
  /** CPU time of the whole machine during the run (every process: hosts, sshd, tools, the fake GitHub). */
  machineCpuMs: number;
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
  // VmHWM and CPU time only grow: the last sample before exit is the figure, give or take the
  // final 50 ms.
  let peak = 0;
  let cpuMs = 0;
  const sample = () =>
    Promise.all([readFile(`/proc/${child.pid}/status`, 'utf8'), readFile(`/proc/${child.pid}/stat`, 'utf8')]).then(
      ([status, stat]) => {
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peak = Math.max(peak, kb * 1024);
        // utime and stime, fields 14 and 15, counted after the ")" that ends the name.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpuMs = Math.max(cpuMs, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
      },
      () => undefined, // the process is gone
    );
  const machineBefore = await machineCpuTicks();
  const deadline = started + 15 * 60_000;
  const sampler = setInterval(() => {
    void sample();
    if (stopWhen() || performance.now() > deadline) child.kill('SIGTERM');
  }, 50);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearInterval(sampler);
  const machineCpuMs = ((await machineCpuTicks()) - machineBefore) * 1000 / CLOCK_TICKS;
  return { exitCode, wallMs: performance.now() - started, peakRssBytes: peak, cpuMs, machineCpuMs, stdout, stderr };
}

/** USER_HZ: /proc counts CPU time in these on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** Busy time of every CPU so far (user, nice, system, irq, softirq, steal), from /proc/stat. */
async function machineCpuTicks(): Promise<number> {
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = (await readFile('/proc/stat', 'utf8'))
    .split('\n', 1)[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return user + nice + system + irq + softirq + steal;
}
