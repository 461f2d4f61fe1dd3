import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BODY } from '../../src/sandbox/sandbox.ts';
import { runCli } from '../support/cli-io.ts';
import { configVariant, entries, faultWorld, sectionData, standInProcesses, whenServing, type FaultWorld } from './fault-world.ts';

const PLATFORMS = ['linux/amd64', 'darwin/arm64'] as const;
let world: FaultWorld;
let config: string;

beforeAll(async () => {
  // Slow to get ready, so a signal lands while the boot probes run.
  world = await faultWorld({ behaviours: { 'linux/amd64': { readyAfterMs: 3000 }, 'darwin/arm64': { readyAfterMs: 3000 } } });
  config = await configVariant(world, 'two.yaml', { retries: 0 }, {}, PLATFORMS);
}, 120_000);

afterAll(async () => {
  await world.close();
});

interface Child {
  process: ChildProcess;
  stderr: () => string;
  /** The exit code, or the signal that ended it. */
  exited: Promise<number | string>;
  /** Resolves at the first stderr line matching `pattern`. */
  line(pattern: RegExp): Promise<void>;
}

/** The real CLI as a separate process, the way a service manager runs it. */
function startCli(args: string[]): Child {
  const child = spawn(process.execPath, ['bin/smoke.js', ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...world.sb.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout!.resume();
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    err += chunk;
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(err)) w.resolve();
      else waiters.push(w);
    }
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    process: child,
    stderr: () => err,
    exited,
    line: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(err)) return resolve();
        waiters.push({ pattern, resolve });
        void exited.then((how) => reject(new Error(`smoke exited (${how}) before printing ${pattern}:\n${err}`)));
      }),
  };
}

/** A bound on how long the service may take to stop: past it, the test kills it and fails. */
async function exitWithin(child: Child, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const how = await Promise.race([child.exited, late]);
  clearTimeout(timer);
  if (how === 'late') {
    child.process.kill('SIGKILL');
    throw new Error(`smoke did not exit within ${ms} ms of SIGTERM:\n${child.stderr()}`);
  }
  return how;
}

function standIns(): string[] {
  return PLATFORMS.flatMap((p) => standInProcesses(world.sb.hosts.get(p)!.pid));
}

describe('the service killed in the middle of a run', () => {
  it('SIGTERM: stops the probes, cleans the hosts, sets the status to error (cancelled) and exits 3', async () => {
    const child = startCli(['run', 'v0.0.1', '--config', config, '--reports', join(world.dir, 'reports')]);
    await child.line(/: boot on /);
    child.process.kill('SIGTERM');
    const code = await exitWithin(child, 60_000);
    expect(code, child.stderr()).toBe(3);
    expect(child.stderr()).toContain('SIGTERM: stopping the probes and cleaning the hosts');
    expect(child.stderr()).not.toContain('internal error');
    expect(standIns()).toEqual([]);
    expect(entries(join(world.dir, 'work'))).toEqual([]);
    const status = world.sb.fake.statuses(world.sb.commit)[0];
    expect(status).toMatchObject({ state: 'error', context: 'smoke-test' });
    expect(status?.description).toContain('cancelled by SIGTERM');
    expect(sectionData(world.sb)).toMatchObject({ state: 'done', verdict: 'error' });
    const body = world.sb.fake.release(world.sb.releaseId).body ?? '';
    expect(body.startsWith(SANDBOX_BODY)).toBe(true);
    expect(body).toContain('cancelled by SIGTERM');
  }, 120_000);

  it('SIGKILL leaves processes and run directories; `hosts clean` removes them; the next `watch --once` tests the draft again', async () => {
    const child = startCli(['run', 'v0.0.1', '--config', config, '--reports', join(world.dir, 'reports')]);
    await child.line(/: boot on /);
    await whenServing(world.sb.hosts.get('linux/amd64')!.pid);
    child.process.kill('SIGKILL');
    expect(await child.exited).toBe('SIGKILL');
    // What a killed service leaves: a running section naming it, a pending status, work on the hosts.
    const left = sectionData(world.sb);
    expect(left).toMatchObject({ state: 'running', runner: { pid: child.process.pid } });
    expect(world.sb.fake.statuses(world.sb.commit)[0]).toMatchObject({ state: 'pending' });
    expect(standIns().length).toBeGreaterThan(0);
    expect(entries(join(world.dir, 'work')).length).toBeGreaterThan(0);

    const clean = await runCli(['hosts', 'clean', '--config', config], world.sb.env);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    // Each host finds the run directory the killed run left in its own workdir and stops its group.
    expect(clean.stdout).toMatch(/found \d+ leftover run/);
    expect(clean.stdout).toMatch(/stopped process group \d+/);
    expect(standIns()).toEqual([]);
    expect(entries(join(world.dir, 'work'))).toEqual([]);

    const watch = await runCli(['watch', '--once', '--config', config, '--reports', join(world.dir, 'reports')], world.sb.env);
    expect(watch.stderr + watch.stdout).toContain(`run ${left?.runId} was killed (its process ${child.process.pid} on this machine is gone)`);
    expect(watch.code, watch.stderr).toBe(0);
    expect(sectionData(world.sb)).toMatchObject({ state: 'done', verdict: 'pass' });
    expect(world.sb.fake.statuses(world.sb.commit)[0]).toMatchObject({ state: 'success' });
    expect(standIns()).toEqual([]);
    expect(entries(join(world.dir, 'work'))).toEqual([]);
  }, 180_000);
});
