import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { runCli } from '../support/cli-io.ts';
import { configVariant, entries, faultWorld, type FaultWorld } from './fault-world.ts';

// The Windows host (a real sshd whose commands run in PowerShell) sharing this machine's PID
// namespace, with a daemon whose runner shim is started through a launcher that exits once the
// daemon answers /healthz: the chain daemon → launcher → shim is broken before the stop, so
// taskkill /T from the daemon does not reach the shim. Only the family recorded while the run
// went finds it.
let world: FaultWorld;
let config: string;
const WORKDIR = () => join(world.dir, 'work', 'sandbox-windows-amd64');

beforeAll(async () => {
  world = await faultWorld({ sharePidNamespace: true, behaviours: { 'windows/amd64': { variant: 'launcher-child' } } });
  config = await configVariant(world, 'windows.yaml', { retries: 0 }, {}, ['windows/amd64']);
}, 120_000);

afterAll(async () => {
  // A failing test must not leak its processes into the machine.
  for (const pid of [...processes(isStandIn), ...processes(isLauncher)]) process.kill(pid, 'SIGKILL');
  await world?.close();
});

/** Processes started in this world's directories whose arguments `match` says are ours. */
function processes(match: (argv: string[]) => boolean): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return match(argv) && readlinkSync(`/proc/${pid}/cwd`).startsWith(world.dir);
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);
}

const isEscapee = (argv: string[]) => argv.includes('stand-in-escapee');
const isStandIn = (argv: string[]) => isEscapee(argv) || argv.some((a) => a.endsWith('/ephemerd.mjs'));
/** The shim's launcher (spawnEscapeeThroughLauncher): `node -e <script importing escapee.mjs>`. */
const isLauncher = (argv: string[]) => argv[1] === '-e' && (argv[2] ?? '').includes('escapee.mjs');

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 1200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!done()) throw new Error(`${what} never happened`);
}

describe('a process whose parent exited, on the Windows host', () => {
  it('fails boot naming the process, kills it, and leaves the host clean', async () => {
    const run = await runCli(['run', 'v0.0.1', '--config', config, '--reports', join(world.dir, 'reports'), '--json'], world.sb.env);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as RunReport;
    const check = (name: string) => report.platforms.find((p) => p.platform === 'windows/amd64')?.checks.find((c) => c.name === name);
    expect(check('version')?.status).toBe('pass');
    expect(check('boot')?.status, check('boot')?.detail).toBe('fail');
    expect(check('boot')?.detail).toMatch(/^ephemerd serve left 1 process running outside its process group: \d+ \(\S*node -e .* stand-in-escapee serve\); killed$/);
    expect(processes(isEscapee)).toEqual([]);
    expect(report.platforms.flatMap((p) => p.checks).filter((c) => c.name === 'cleanup')).toEqual([]);
    expect(entries(WORKDIR())).toEqual([]);
  }, 300_000);

  it('`smoke hosts clean` after a SIGKILLed run kills the escapee its run directory recorded', async () => {
    // Never ready: the probe follows the log (recording the family) and never asks /healthz, so
    // the test decides when the launcher ends.
    const slow = await configVariant(world, 'never-ready.yaml', { retries: 0 }, { 'windows/amd64': { probes: { boot: { readyPattern: 'never printed', timeoutSeconds: 300 } } } }, ['windows/amd64']);
    const child = spawn(process.execPath, ['bin/smoke.js', 'run', 'v0.0.1', '--config', slow, '--reports', join(world.dir, 'reports'), '--no-post'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...world.sb.env },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await until('an escapee', () => processes(isEscapee).length === 1);
      const [escapee] = processes(isEscapee);
      const runDir = join(WORKDIR(), readdirSync(WORKDIR()).find((n) => n.startsWith('smoke-'))!);
      const recorded = () => readdirSync(join(runDir, 'pids')).filter((n) => n.endsWith('.tree')).map((n) => readFileSync(join(runDir, 'pids', n), 'utf8')).join('');
      await until('the escapee on record', () => new RegExp(`^${escapee} `, 'm').test(recorded()));
      // The daemon's first /healthz ends the launcher: the escapee's parent is gone.
      await until('the health server', () => findFile(runDir, 'health.port') !== undefined);
      const port = Number(readFileSync(findFile(runDir, 'health.port')!, 'utf8').trim());
      await get(port, '/healthz');
      await until('the launcher gone', () => processes(isLauncher).length === 0);
      expect(processes(isEscapee)).toEqual([escapee]);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const [escapee] = processes(isEscapee);
    expect(escapee).toBeDefined();

    const clean = await runCli(['hosts', 'clean', '--config', config], world.sb.env);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(new RegExp(`stopped 1 process\\(es\\) left running outside its process groups: ${escapee} \\(\\S*node -e .* stand-in-escapee serve\\), removed`));
    expect(clean.stdout).toMatch(/host sandbox-windows-amd64: clean$/m);
    expect(processes(isStandIn)).toEqual([]);
    expect(entries(WORKDIR())).toEqual([]);
  }, 300_000);
});

function findFile(dir: string, name: string): string | undefined {
  const found = readdirSync(dir, { withFileTypes: true, recursive: true }).find((entry) => entry.isFile() && entry.name === name);
  return found && join(found.parentPath, found.name);
}

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}
