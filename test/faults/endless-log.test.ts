import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { configVariant, entries, faultWorld, standInProcesses, type FaultWorld } from './fault-world.ts';

const MB = 1e6;
let world: FaultWorld;

beforeAll(async () => {
  // Ready, then 32 MiB of log a second while /healthz accepts and never answers.
  world = await faultWorld({ behaviours: { 'linux/amd64': { variant: 'endless-log', noiseBytesPerSecond: 32 * 1024 * 1024 } } });
}, 120_000);

afterAll(async () => {
  await world?.close();
});

/** The real CLI as its own process, and its peak resident set (VmHWM) read while it runs. */
async function runMeasured(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; peakBytes: number }> {
  const child = spawn(process.execPath, ['bin/smoke.js', ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...world.sb.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  let peakBytes = 0;
  // VmHWM only grows: the last reading before the process ends is its peak.
  const sample = setInterval(() => {
    try {
      const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      peakBytes = Math.max(peakBytes, kb * 1024);
    } catch {
      // it has exited
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sample);
  return { code, stdout, stderr, peakBytes };
}

describe('a daemon that logs without end while /healthz hangs', () => {
  it('fails the boot on /healthz, and the service reads the log with backpressure: peak RSS stays under 150 MB', async () => {
    const config = await configVariant(world, 'endless.yaml', { retries: 0, probes: { boot: { timeoutSeconds: 10, healthz: true, stopGraceSeconds: 2 } } }, {}, ['linux/amd64']);
    const run = await runMeasured(['run', 'v0.0.1', '--config', config, '--reports', join(world.dir, 'reports'), '--json', '--no-post']);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as RunReport;
    const boot = report.platforms[0]?.checks.find((c) => c.name === 'boot');
    expect(boot?.status).toBe('fail');
    expect(boot?.detail, JSON.stringify(boot)).toMatch(/^\/healthz on port \d+ did not answer "status":"ok" within 10 s$/);
    // Before: every frame the host sent while /healthz hung was queued, 32 MiB a second of it.
    expect(run.peakBytes / MB).toBeLessThan(150);
    expect(standInProcesses(world.sb.hosts.get('linux/amd64')!.pid)).toEqual([]);
    expect(entries(join(world.dir, 'work'))).toEqual([]);
  }, 120_000);
});
