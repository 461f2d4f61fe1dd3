import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { runCli } from '../support/cli-io.ts';
import { cell } from './bad-draft.ts';
import { faultWorld, type FaultWorld } from './fault-world.ts';

// The download cache on this machine: what a killed download leaves, and a disk that fills.
// Real `smoke` processes (SIGKILL is only real on a real process), the fake GitHub over HTTP.

const LINUX = 'linux/amd64';
let world: FaultWorld;
let full: string;
let mounted = false;

beforeAll(async () => {
  // 3 MB, so a slowed download is in progress long enough to be killed, and does not fit a 1 MB disk.
  world = await faultWorld({ sizeBytes: { [LINUX]: 3_000_000 } });
  full = join(world.dir, 'full-cache');
  mkdirSync(full);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full]);
  mounted = true;
}, 120_000);
afterAll(async () => {
  if (mounted) execFileSync('umount', ['-l', full]);
  await world?.close();
});

/** `smoke run` as its own process, downloading into `cacheDir`. */
function startRun(cacheDir: string): { child: ChildProcess; exited: Promise<unknown> } {
  const child = spawn(process.execPath, ['bin/smoke.js', 'run', 'v0.0.1', '--no-post', '--platform', LINUX, '--config', world.sb.configPath, '--reports', join(world.dir, 'reports')], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...world.sb.env, SMOKE_CACHE_DIR: cacheDir },
    stdio: 'ignore',
  });
  return { child, exited: new Promise((resolve) => child.once('exit', resolve)) };
}

/** Partial download files under the cache, with their sizes. */
function partials(cacheDir: string): Array<{ path: string; size: number }> {
  if (!existsSync(cacheDir)) return [];
  const found = readdirSync(cacheDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && d.name.includes('.partial-'));
  return found.map((d) => ({ path: join(d.parentPath, d.name), size: statSync(join(d.parentPath, d.name)).size }));
}

/** Resolves once `pid` has a partial file with bytes in it (a download in progress), polling the disk. */
async function partialOf(cacheDir: string, pid: number, exited: Promise<unknown>): Promise<string> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    const mine = partials(cacheDir).find((p) => p.path.includes(`.partial-${pid}-`) && p.size > 0);
    if (mine) return mine.path;
    if (gone) throw new Error(`smoke (pid ${pid}) exited before it wrote a partial file`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the download cache', () => {
  it('a SIGKILL mid-download leaves a partial file; the next run removes it, and no run removes a live one\'s', async () => {
    const cache = join(world.dir, 'cache-kill');
    // Served at 100 KB/s (30 s for the archive, however loaded the machine): the killed run's checksums.txt and archive, then the
    // live run's archive (it reuses the cached checksums.txt). The run beside them is not slowed.
    world.sb.fake.fault({ kind: 'slow', bytesPerSecond: 100_000, times: 3 });
    const killed = startRun(cache);
    const killedPartial = await partialOf(cache, killed.child.pid!, killed.exited);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(partials(cache).map((p) => p.path)).toEqual([killedPartial]);

    // The next run sweeps the killed one's file as it starts, then downloads.
    const live = startRun(cache);
    try {
      const livePartial = await partialOf(cache, live.child.pid!, live.exited);
      expect(partials(cache).map((p) => p.path)).toEqual([livePartial]);

      // A run beside it (this process) leaves the live download's file alone, and passes.
      const beside = await runCli(['run', 'v0.0.1', '--no-post', '--json', '--platform', LINUX, '--config', world.sb.configPath, '--reports', join(world.dir, 'reports')], {
        ...world.sb.env,
        SMOKE_CACHE_DIR: cache,
      });
      expect(beside.code, beside.stderr).toBe(0);
      expect(beside.stderr).not.toMatch(/removed \d+ partial/);
      expect(partials(cache).map((p) => p.path)).toContain(livePartial);
    } finally {
      live.child.kill('SIGKILL');
      await live.exited;
    }
  }, 120_000);

  it('a full cache disk is an asset error naming the local folder, not GitHub', async () => {
    const run = await runCli(['run', 'v0.0.1', '--no-post', '--json', '--platform', LINUX, '--config', world.sb.configPath, '--reports', join(world.dir, 'reports')], {
      ...world.sb.env,
      SMOKE_CACHE_DIR: full,
    });
    expect(run.stderr).not.toContain('internal error');
    expect(run.code, run.stderr).toBe(3);
    const report = JSON.parse(run.stdout) as RunReport;
    const asset = cell(report, LINUX, 'asset');
    expect(asset?.status).toBe('error');
    expect(asset?.detail).toMatch(new RegExp(`^download cache ${full}/\\d+-[0-9a-f]+: no space left while saving ephemerd_v0\\.0\\.1_linux_amd64\\.tar\\.gz`));
    expect(asset?.detail).not.toMatch(/GitHub/);
    expect(partials(full)).toEqual([]);
  }, 60_000);
});
