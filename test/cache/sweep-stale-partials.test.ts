import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { sweepStalePartials } from '../../src/cache/sweep-stale-partials.ts';

const cache = mkdtempSync(join(tmpdir(), 'smoke-sweep-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

it('removes partial files of dead processes and silent old ones; keeps live ones, finished files and locks', async () => {
  const dir = join(cache, '7-abc');
  mkdirSync(dir);
  mkdirSync(join(cache, '.locks'));
  // A pid that surely ran and is gone: a process that has exited and been reaped.
  const dead = spawnSync('true').pid!;
  const files = {
    dead: join(dir, `a.tar.gz.partial-${dead}-0a1b2c`),
    live: join(dir, `a.tar.gz.partial-${process.ppid}-0a1b2c`),
    oldFormatFresh: join(dir, 'a.tar.gz.partial-0a1b2c3d4e5f'),
    oldFormatSilent: join(dir, 'b.tar.gz.partial-0a1b2c3d4e5f'),
    liveButSilent: join(dir, `c.tar.gz.partial-${process.ppid}-0a1b2c`),
    finished: join(dir, 'a.tar.gz'),
    lock: join(cache, '.locks', 'x.partial-1-ab'),
  };
  for (const path of Object.values(files)) writeFileSync(path, 'bytes');
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(files.oldFormatSilent, hourAgo, hourAgo);
  utimesSync(files.liveButSilent, hourAgo, hourAgo);

  const swept = await sweepStalePartials(cache, { staleAfterMs: 600_000 });
  expect(swept.files.sort()).toEqual([files.dead, files.oldFormatSilent, files.liveButSilent].sort());
  expect(swept.bytes).toBe(15);
  for (const kept of [files.live, files.oldFormatFresh, files.finished, files.lock]) expect(existsSync(kept), kept).toBe(true);
});

it('a cache that does not exist yet has nothing to sweep', async () => {
  expect(await sweepStalePartials(join(cache, 'none'))).toEqual({ files: [], bytes: 0 });
});
