import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { connectHost } from '../../src/hosts/connect-host.ts';
import { processTree } from '../../src/sandbox/process-tree.ts';
import { hostConfigFor, startSshd } from './sshd.ts';

describe('the test sshd harness', () => {
  it('starts servers in parallel on distinct ports', async () => {
    const servers = await Promise.all([startSshd(), startSshd(), startSshd()]);
    try {
      expect(new Set(servers.map((s) => s.port)).size).toBe(3);
      expect(servers.every((s) => s.hostKeyFingerprint.startsWith('SHA256:'))).toBe(true);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });

  it('checks the banner once: log lines after it start no more connections', async () => {
    const sshd = await startSshd();
    try {
      const remote = await connectHost(hostConfigFor(sshd));
      await remote.exec('true', { timeoutMs: 10_000 });
      await remote.close();
      // Our session's end is logged after every line the banner check caused.
      await vi.waitFor(() => expect(sshd.log()).toContain('Disconnected from user'), { timeout: 10_000 });
      // Each check's own "Connection closed" line once started another check: a loop that kept
      // two cores busy for every test with an sshd.
      expect(sshd.log().match(/kex_exchange_identification/g)).toHaveLength(1);
    } finally {
      await sshd.stop();
    }
  });

  it('stop() ends every process a test started through it, detached ones too, and removes its dir', async () => {
    const sshd = await startSshd();
    const remote = await connectHost(hostConfigFor(sshd));
    await remote.exec('setsid sh -c "sleep 600" </dev/null >/dev/null 2>&1 &', { timeoutMs: 10_000 });
    // The shell returns once it has forked the background child, which may not have run setsid
    // yet: wait until the sleep itself is there.
    await expect.poll(() => processTree(sshd.pid).some((pid) => cmdline(pid) === 'sleep 600'), { timeout: 10_000 }).toBe(true);
    const tree = processTree(sshd.pid).map((pid) => ({ pid, started: startTime(pid) }));
    await sshd.stop();
    // Same PID and start time: the very process, not a newcomer that reused its PID.
    expect(tree.filter(({ pid, started }) => isRunning(pid) && startTime(pid) === started)).toEqual([]);
    expect(existsSync(sshd.dir)).toBe(false);
  });
});

/** Alive and not a zombie (this container's init may never reap it). */
function isRunning(pid: number): boolean {
  const status = readProc(pid, 'status');
  return status !== '' && !/^State:\s+Z/m.test(status);
}

function startTime(pid: number): string | undefined {
  const stat = readProc(pid, 'stat');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function cmdline(pid: number): string {
  return readProc(pid, 'cmdline').split('\0').filter(Boolean).join(' ');
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH') return '';
    throw err;
  }
}
