import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { runCli } from '../support/cli-io.ts';
import { configVariant, entries, faultWorld, type FaultWorld } from './fault-world.ts';

// Hosts whose sshd shares this machine's PID namespace, as a real host's does: a process that
// leaves its group is not ended with the sshd, so nothing but the service can find it.
let world: FaultWorld;
let config: string;

beforeAll(async () => {
  world = await faultWorld({
    sharePidNamespace: true,
    behaviours: { 'linux/amd64': { variant: 'setsid-child' }, 'linux/arm64': { variant: 'version-child' } },
  });
  config = await configVariant(world, 'two.yaml', { retries: 0 }, {}, ['linux/amd64', 'linux/arm64']);
}, 120_000);

afterAll(async () => {
  // A failing test must not leak its escapees into the machine.
  for (const pid of standIns()) process.kill(pid, 'SIGKILL');
  await world?.close();
});

/**
 * Processes one of whose arguments is `text` (or a path ending in it), started in this world's run
 * directories, anywhere on the machine. Whole arguments: a shell whose script only mentions the
 * name (a start command still on its way to `exec`) is not the program.
 */
function processesWith(text: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return argv.some((arg) => arg === text || arg.endsWith(`/${text}`)) && readlinkSync(`/proc/${pid}/cwd`).startsWith(world.dir);
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);
}

/** Escapees (src/sandbox/stand-in/daemon/escapee.mjs). */
const escapees = () => processesWith('stand-in-escapee');
/** Every stand-in process: the daemons and their escapees. */
const standIns = () => [...processesWith('ephemerd.mjs'), ...escapees()];

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!done()) throw new Error(`${what} never happened`);
}

describe('processes that leave the process group', () => {
  it('`serve` leaving a setsid child fails boot, `--version` leaving one fails version; both are killed and the run directories removed', async () => {
    const run = await runCli(['run', 'v0.0.1', '--config', config, '--reports', join(world.dir, 'reports'), '--json'], world.sb.env);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as RunReport;
    const check = (platform: string, name: string) => report.platforms.find((p) => p.platform === platform)?.checks.find((c) => c.name === name);
    expect(check('linux/amd64', 'version')?.status).toBe('pass');
    expect(check('linux/amd64', 'boot')).toMatchObject({ status: 'fail' });
    expect(check('linux/amd64', 'boot')?.detail).toMatch(/^ephemerd serve left 1 process running outside its process group: \d+ \(\S*node -e .* stand-in-escapee serve\); killed$/);
    expect(check('linux/arm64', 'version')).toMatchObject({ status: 'fail' });
    expect(check('linux/arm64', 'version')?.detail).toMatch(/^--version left 1 process running outside its process group: \d+ \(.*stand-in-escapee version\); killed$/);
    expect(check('linux/arm64', 'boot')?.status).toBe('skipped');
    // Killed, not only reported; and the hosts are otherwise clean.
    expect(escapees()).toEqual([]);
    expect(report.platforms.flatMap((p) => p.checks).filter((c) => c.name === 'cleanup')).toEqual([]);
    expect(entries(join(world.dir, 'work'))).toEqual([]);
  }, 120_000);

  it('`smoke hosts clean` after a SIGKILLed run finds the escapee, also once its run directory is gone, and kills it', async () => {
    const amd64 = await configVariant(world, 'amd64.yaml', { retries: 0 }, {}, ['linux/amd64']);
    const child = spawn(process.execPath, ['bin/smoke.js', 'run', 'v0.0.1', '--config', amd64, '--reports', join(world.dir, 'reports'), '--no-post'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...world.sb.env },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await until('an escapee', () => escapees().length > 0);
    child.kill('SIGKILL');
    await exited;
    // What cleaning the run directory reaches (its process group) does not reach the escapee:
    // remove the directory first, as an interrupted cleanup would have.
    const workdir = join(world.dir, 'work', 'sandbox-linux-amd64');
    for (const name of readdirSync(workdir)) rmSync(join(workdir, name), { recursive: true, force: true });
    const [escapee, ...more] = escapees();
    expect(more).toEqual([]);
    // The daemon too: nothing stopped its group, and with its run directory its pid file is gone.
    expect(processesWith('ephemerd.mjs')).toHaveLength(1);

    const clean = await runCli(['hosts', 'clean', '--config', amd64], world.sb.env);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(new RegExp(`stopped 2 process\\(es\\) earlier runs left running outside their process groups: .*\\b${escapee} \\(`));
    expect(clean.stdout).toContain('host sandbox-linux-amd64: no leftover run directories\n');
    expect(clean.stdout).toMatch(/host sandbox-linux-amd64: clean$/m);
    expect(standIns()).toEqual([]);
  }, 120_000);
});
