import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostConfig } from '../../src/config/types.ts';
import { openRemote } from '../../src/hosts/open-remote.ts';
import type { Remote } from '../../src/hosts/remote.ts';
import { HostPool } from '../../src/pipeline/host-pool.ts';
import { HostTurns } from '../../src/pipeline/host-turns.ts';
import { hostConfigFor, startSshd, type SshdHandle } from '../support/sshd.ts';

let sshd: SshdHandle;

beforeAll(async () => {
  sshd = await startSshd();
}, 180_000);

afterAll(async () => {
  await sshd.stop();
});

/** connectHost over real SSH, counting the dials per host. */
function counting(): { connect: (host: HostConfig) => Promise<Remote>; dials: Map<string, number> } {
  const dials = new Map<string, number>();
  return {
    dials,
    connect: (host) => {
      dials.set(host.name, (dials.get(host.name) ?? 0) + 1);
      return openRemote(host);
    },
  };
}

/** A port nothing listens on: bound, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

it('prepare dials the first host once, and run uses that connection', async () => {
  const { connect, dials } = counting();
  const host = hostConfigFor(sshd, { name: 'box' });
  const pool = new HostPool([host], connect);
  pool.prepare('linux/amd64');
  pool.prepare('linux/amd64');
  const ran = await pool.run('linux/amd64', async (remote) => (await remote.exec('echo hi', { timeoutMs: 10_000, maxOutputBytes: 1024 })).stdout);
  expect(ran).toMatchObject({ kind: 'ran', value: 'hi\n' });
  expect(dials.get('box')).toBe(1);
  const again = await pool.connection(host);
  expect(again.connected).toBe(true);
  await pool.closeAll();
  expect(again.connected).toBe(false);
  expect(dials.get('box')).toBe(1);
});

it('a prepared connection that failed is the reason run gives, without a second dial', async () => {
  const { connect, dials } = counting();
  const down = hostConfigFor({ ...sshd, port: await closedPort() }, { name: 'down' });
  const pool = new HostPool([down], connect);
  pool.prepare('linux/amd64');
  const ran = await pool.run('linux/amd64', () => Promise.resolve('never'));
  expect(ran.kind).toBe('unreachable');
  expect(ran.kind === 'unreachable' ? ran.reasons.join('; ') : '').toContain('down');
  expect(dials.get('down')).toBe(1);
  await pool.closeAll();
});

/** A pool of one real host whose connections are kept, to look at them afterwards. */
function recordingPool(): { pool: HostPool; opened: Remote[] } {
  const opened: Remote[] = [];
  const pool = new HostPool([hostConfigFor(sshd, { name: 'box' })], async (host) => {
    const remote = await openRemote(host);
    opened.push(remote);
    return remote;
  });
  return { pool, opened };
}

it('closeAll closes a prepared connection no platform took', async () => {
  const { pool, opened } = recordingPool();
  pool.prepare('linux/amd64');
  await pool.closeAll();
  expect(opened).toHaveLength(1);
  expect(opened[0]!.connected).toBe(false);
});

it('a prepared connection that dropped while it waited is dialled again, once', async () => {
  const { pool, opened } = recordingPool();
  pool.prepare('linux/amd64');
  // The first connection drops before any platform takes it (a long download, a NAT timeout).
  await expect.poll(() => opened.length).toBe(1);
  await opened[0]!.close();
  const ran = await pool.run('linux/amd64', async (remote) => (await remote.exec('echo hi', { timeoutMs: 10_000, maxOutputBytes: 1024 })).stdout);
  expect(ran).toMatchObject({ kind: 'ran', value: 'hi\n' });
  expect(opened).toHaveLength(2);
  await pool.closeAll();
  expect(opened[1]!.connected).toBe(false);
});

it('pools of several drafts sharing turns: one platform run on the host at a time, the oldest waiting draft next', async () => {
  const turns = new HostTurns();
  const host = hostConfigFor(sshd, { name: 'shared' });
  const pool = (createdAt: string, tieBreak: string) => new HostPool([host], openRemote, { share: { turns, rank: { createdAt, tieBreak } } });
  const newest = pool('2026-12-04T10:09:00Z', 'b/b@v3');
  const middle = pool('2026-12-04T10:05:00Z', 'b/b@v2');
  const oldest = pool('2026-12-04T10:01:00Z', 'a/a@v1');
  const spans: Array<{ who: string; start: number; end: number }> = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  /** Runs a real command on the host and records when the turn's work began and ended. */
  const use = (p: HostPool, who: string, hold?: Promise<void>) =>
    p.run('linux/amd64', async (remote) => {
      const start = performance.now();
      await remote.exec('echo hi', { timeoutMs: 10_000, maxOutputBytes: 1024 });
      await hold;
      spans.push({ who, start, end: performance.now() });
    });
  // The newest draft holds the host until the two others both wait (middle asked first).
  const first = use(newest, 'newest', held);
  const second = use(middle, 'middle');
  const third = use(oldest, 'oldest');
  expect(turns.waitingFor('shared')).toBe(2);
  release();
  await Promise.all([first, second, third]);
  expect(spans.map((s) => s.who)).toEqual(['newest', 'oldest', 'middle']);
  for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  await Promise.all([newest, middle, oldest].map((p) => p.closeAll()));
});
