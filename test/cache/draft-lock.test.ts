import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDraftLocally } from '../../src/cache/draft-lock.ts';
import { runningElsewhere } from '../../src/posting/running-elsewhere.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function lockDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-lock-'));
  dirs.push(dir);
  return dir;
}

describe('lockDraftLocally', () => {
  it('lets one holder in, refuses a second naming the first, and frees the lock on release', async () => {
    const dir = await lockDir();
    const a = await lockDraftLocally(dir, 'o/r', 'v1.0.0', { runId: 'run-a', since: 't0' });
    expect(a.ok).toBe(true);
    const b = await lockDraftLocally(dir, 'o/r', 'v1.0.0', { runId: 'run-b', since: 't1' });
    expect(b).toEqual({ ok: false, holder: { runId: 'run-a', since: 't0' } });
    expect((await lockDraftLocally(dir, 'o/r', 'v2.0.0', { runId: 'run-c', since: 't1' })).ok).toBe(true);
    if (a.ok) await a.release();
    expect((await lockDraftLocally(dir, 'o/r', 'v1.0.0', { runId: 'run-b', since: 't2' })).ok).toBe(true);
    // Only the lock files remain: no file written aside is left behind.
    expect((await readdir(dir)).sort()).toEqual(['o_r@v1.0.0.lock', 'o_r@v2.0.0.lock']);
  });

  it('takes over a lock whose process is gone, and says which run died', async () => {
    const dir = await lockDir();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await writeFile(join(dir, 'o_r@v1.0.0.lock'), JSON.stringify({ pid: Number(gone), runId: 'killed', since: 't0' }));
    const lock = await lockDraftLocally(dir, 'o/r', 'v1.0.0', { runId: 'next', since: 't1' });
    expect(lock).toMatchObject({ ok: true, deadRunId: 'killed' });
  });
});

describe('runningElsewhere', () => {
  const body = (runId: string, startedAt: string, state = 'running') =>
    `notes\n<!-- smoke-test:begin -->\n<!-- smoke-test:data ${JSON.stringify({ schema: 1, runId, state, verdict: null, tag: 'v1', commit: null, assetDigests: {}, startedAt, finishedAt: null })} -->\n<!-- smoke-test:end -->\n`;
  const now = new Date('2026-01-01T12:00:00Z');
  const opts = { runId: 'mine', now, staleRunMs: 2 * 3600_000 };

  it('names a young running section of another run', () => {
    expect(runningElsewhere({ body: body('other', '2026-01-01T11:00:00Z') }, opts)).toEqual({ runId: 'other', since: '2026-01-01T11:00:00Z' });
  });

  it('ignores old, finished, own, known-dead and unreadable ones', () => {
    expect(runningElsewhere({ body: body('other', '2026-01-01T09:59:59Z') }, opts)).toBeNull();
    expect(runningElsewhere({ body: body('other', '2026-01-01T11:00:00Z', 'done') }, opts)).toBeNull();
    expect(runningElsewhere({ body: body('mine', '2026-01-01T11:00:00Z') }, opts)).toBeNull();
    expect(runningElsewhere({ body: body('killed', '2026-01-01T11:00:00Z') }, { ...opts, deadRunId: 'killed' })).toBeNull();
    expect(runningElsewhere({ body: body('other', 'yesterday') }, opts)).toBeNull();
    expect(runningElsewhere({ body: null }, opts)).toBeNull();
  });
});
