import { describe, expect, it } from 'vitest';
import { compareWaiters, HostTurns, nextWaiter, type DraftRank, type FreeHost } from '../../src/pipeline/host-turns.ts';

const rank = (createdAt: string, tieBreak = 'ephpm/ephemerd@v1'): DraftRank => ({ createdAt, tieBreak });

describe('nextWaiter (pure ordering)', () => {
  it('picks the oldest draft, whatever the order of asking', () => {
    const waiting = [
      { rank: rank('2026-12-04T10:03:00Z'), asked: 0 },
      { rank: rank('2026-12-04T10:01:00Z'), asked: 1 },
      { rank: rank('2026-12-04T10:02:00Z'), asked: 2 },
    ];
    expect(nextWaiter(waiting)).toBe(1);
    expect([...waiting].sort(compareWaiters).map((w) => w.asked)).toEqual([1, 2, 0]);
  });

  it('breaks a tie of created_at by the tie-break, then by who asked first', () => {
    const same = '2026-12-04T10:00:00Z';
    const waiting = [
      { rank: rank(same, 'b/b@v1'), asked: 0 },
      { rank: rank(same, 'a/a@v1'), asked: 2 },
      { rank: rank(same, 'a/a@v1'), asked: 1 },
    ];
    expect([...waiting].sort(compareWaiters).map((w) => w.asked)).toEqual([1, 2, 0]);
  });

  it('says -1 when nobody waits', () => {
    expect(nextWaiter([])).toBe(-1);
  });
});

describe('HostTurns with real promises', () => {
  /** Takes a turn and records when it was granted, by label. */
  function taker(turns: HostTurns, granted: string[]) {
    return async (host: string, label: string, r: DraftRank): Promise<FreeHost> => {
      const free = await turns.take(host, r);
      granted.push(label);
      return free;
    };
  }

  it('a free host is taken at once; a freed host goes to the oldest waiting draft, not the first to ask', async () => {
    const turns = new HostTurns();
    const granted: string[] = [];
    const take = taker(turns, granted);
    const holder = await take('box', 'newest', rank('2026-12-04T10:09:00Z'));
    // Asked in the order young, old, middle while the host is busy.
    const young = take('box', 'young', rank('2026-12-04T10:05:00Z'));
    const old = take('box', 'old', rank('2026-12-04T10:01:00Z'));
    const middle = take('box', 'middle', rank('2026-12-04T10:03:00Z'));
    expect(turns.waitingFor('box')).toBe(3);
    holder();
    const freeOld = await old;
    expect(granted).toEqual(['newest', 'old']);
    // A second free of the same turn hands nothing out twice.
    holder();
    expect(turns.waitingFor('box')).toBe(2);
    freeOld();
    (await middle)();
    (await young)();
    expect(granted).toEqual(['newest', 'old', 'middle', 'young']);
    expect(turns.waitingFor('box')).toBe(0);
  });

  it('never grants one host twice at once, and keeps hosts apart', async () => {
    const turns = new HostTurns();
    let inUse = 0;
    let most = 0;
    const work = async (host: string, i: number): Promise<void> => {
      const free = await turns.take(host, rank(`2026-12-04T10:00:0${i % 10}Z`));
      inUse += host === 'a' ? 1 : 0;
      most = Math.max(most, inUse);
      // Hold the host across several turns of the event loop.
      for (let tick = 0; tick < 3; tick++) await new Promise<void>((resolve) => setImmediate(resolve));
      inUse -= host === 'a' ? 1 : 0;
      free();
    };
    const otherHost = turns.take('b', rank('2026-12-04T09:00:00Z'));
    await Promise.all(Array.from({ length: 8 }, (_, i) => work('a', i)));
    expect(most).toBe(1);
    // Host b was free all along: its turn came at once, while host a was busy.
    (await otherHost)();
  });

  it('a run of one draft keeps asking order (what a single smoke run had with its per-host limit)', async () => {
    const turns = new HostTurns();
    const granted: string[] = [];
    const take = taker(turns, granted);
    const same = rank('');
    const first = await take('box', 'linux/amd64', same);
    const second = take('box', 'linux/arm64', same);
    const third = take('box', 'darwin/arm64', same);
    first();
    (await second)();
    (await third)();
    expect(granted).toEqual(['linux/amd64', 'linux/arm64', 'darwin/arm64']);
  });
});
