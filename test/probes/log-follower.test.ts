import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '../../src/hosts/connect-host.ts';
import type { Remote } from '../../src/hosts/remote.ts';
import { abortableRemote } from '../../src/pipeline/abortable-remote.ts';
import { LogFollower, newLogState, type FollowOptions, type LogRead } from '../../src/probes/log-follower.ts';
import { processTree } from '../../src/sandbox/process-tree.ts';
import { posixShell } from '../../src/shells/posix.ts';
import type { Shell } from '../../src/shells/shell.ts';
import { hostConfigFor, startSshd, type SshdHandle } from '../support/sshd.ts';

/** Pids under the sshd whose command line mentions `text` (the follower's shell names its log). */
function processesMentioning(sshd: SshdHandle, text: string): number[] {
  return processTree(sshd.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
    } catch {
      return false; // ended while we looked
    }
  });
}

/** Waits for a condition the code under test must bring about; fails after `ms`. */
async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still not ${what} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function readUntil(follower: LogFollower, done: (read: LogRead, lines: string[]) => boolean): Promise<{ lines: string[]; last: LogRead }> {
  const lines: string[] = [];
  for (;;) {
    const read = await follower.next();
    lines.push(...read.newLines);
    if (done(read, lines)) return { lines, last: read };
  }
}

describe('LogFollower over a real sshd', () => {
  let sshd: SshdHandle;
  let remote: Remote;
  let dir: string;
  let n = 0;
  const followers: LogFollower[] = [];
  beforeAll(async () => {
    sshd = await startSshd();
    remote = await connectHost(hostConfigFor(sshd));
  });
  afterEach(async () => {
    for (const f of followers.splice(0)) f.stop();
    await remote.exec(posixShell.stopGroups({ pidFiles: [join(dir, 'leader.pid')], graceMs: 200, sudo: false }), { timeoutMs: 10_000 });
    await until('rid of the follower', () => processesMentioning(sshd, dir).length === 0);
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await remote?.close();
    await sshd?.stop();
  });

  /** A leader that writes nothing itself (the test writes its log), and a follower on it. */
  async function follow(options: Partial<FollowOptions> = {}, on: Remote = remote, shell: Shell = posixShell) {
    dir = mkdtempSync(join(sshd.dir, `follow-${++n}-`));
    const logFile = join(dir, 'leader.log');
    const pidFile = join(dir, 'leader.pid');
    await remote.exec(posixShell.startBackground({ argv: ['sleep', '60'], cwd: dir, logFile, pidFile, sudo: false }), { timeoutMs: 10_000 });
    const state = newLogState();
    const follower = new LogFollower(on, shell, { logFile, pidFile, state, intervalMs: 50, maxRunMs: 60_000, readTimeoutMs: 10_000, ...options });
    followers.push(follower);
    return { follower, logFile, pidFile, state };
  }

  it('reads lines as they are written, counts bytes not characters, and ends when the leader dies', async () => {
    const { follower, logFile, pidFile, state } = await follow();
    appendFileSync(logFile, 'héllo\nwor');
    expect((await readUntil(follower, (_, lines) => lines.length > 0)).lines).toEqual(['héllo']);
    appendFileSync(logFile, 'ld\r\n');
    const { last } = await readUntil(follower, (_, lines) => lines.length > 0);
    expect(last.newLines).toEqual(['world']);
    expect(state.offset).toBe(Buffer.byteLength('héllo\nworld\r\n'));

    await remote.exec(posixShell.stopGroups({ pidFiles: [pidFile], graceMs: 200, sudo: false }), { timeoutMs: 10_000 });
    const end = await readUntil(follower, (read) => !read.alive);
    expect(end.last).toEqual({ alive: false, newLines: [], more: false, at: expect.any(Number) });
    expect(state.lines).toEqual(['héllo', 'world']);
  });

  it('stamps each read with when it arrived, not when it was taken from the queue', async () => {
    const { follower } = await follow();
    const first = await follower.next();
    // Busy elsewhere (as the probe is during a /healthz check) while reads arrive every 50 ms.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const takenAt = performance.now();
    const queued = [await follower.next(), await follower.next(), await follower.next()];
    expect(queued.every((read) => read.at < takenAt)).toBe(true);
    expect(queued[0]!.at).toBeGreaterThan(first.at);
    expect(queued[2]!.at).toBeGreaterThan(queued[0]!.at);
  });

  it('stops the loop on the host when told, and when the run is cancelled', async () => {
    const told = await follow();
    await told.follower.next();
    expect(processesMentioning(sshd, told.logFile)).not.toEqual([]);
    told.follower.stop();
    await until('rid of the stopped follower', () => processesMentioning(sshd, told.logFile).length === 0);

    const run = new AbortController();
    const cancelled = await follow({}, abortableRemote(remote, run.signal));
    await cancelled.follower.next();
    run.abort();
    // Long before the read timeout (10 s): the channel closed with the run.
    await expect(cancelled.follower.next()).rejects.toThrow(/command cancelled/);
    await until('rid of the cancelled follower', () => processesMentioning(sshd, cancelled.logFile).length === 0);
  });

  it('names a host that stops answering', async () => {
    const { follower, logFile } = await follow({ readTimeoutMs: 300 });
    await follower.next();
    const [shellPid] = processesMentioning(sshd, logFile);
    expect(shellPid).toBeDefined();
    process.kill(shellPid!, 'SIGSTOP');
    try {
      // Frames already sent may still be read; then the wait runs out.
      await expect(readUntil(follower, () => false)).rejects.toThrow(/^host test-\d+: read the log: no answer within 0\.3 s$/);
    } finally {
      process.kill(shellPid!, 'SIGCONT');
    }
  });

  it('says the follow ran too long when the host loop gives up', async () => {
    const { follower } = await follow({ maxRunMs: 150 });
    await expect(readUntil(follower, () => false)).rejects.toThrow(/read the log: still following after 0\.2 s/);
  });

  it('refuses output that is not frames, and a follower that ends without the leader ending', async () => {
    const odd = (script: (marker: string) => string): Shell => ({ ...posixShell, followLog: ({ marker }) => script(marker) });
    // It goes on writing, as a loop would, until the closed channel ends it.
    const garbled = await follow({}, remote, odd((m) => `printf '\\n%s maybe 12\\n' ${m}; while printf x; do sleep 0.05; done # ${dir}`));
    await expect(garbled.follower.next()).rejects.toThrow(/read the log: unexpected frame line "[0-9a-f]{24} maybe 12"/);

    const quitter = await follow({}, remote, odd((m) => `printf 'partial\\n\\n%s 1 8\\n' ${m}; echo gone >&2; exit 0`));
    expect((await quitter.follower.next()).newLines).toEqual(['partial']);
    await expect(quitter.follower.next()).rejects.toThrow(/read the log: the follower ended \(gone\)/);
  });
});
