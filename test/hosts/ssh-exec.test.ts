import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '../../src/hosts/connect-host.ts';
import type { Remote } from '../../src/hosts/remote.ts';
import { hostConfigFor, startSshd, type SshdHandle } from '../support/sshd.ts';

describe('exec over a real sshd (root)', () => {
  let sshd: SshdHandle;
  let remote: Remote;
  beforeAll(async () => {
    sshd = await startSshd();
    remote = await connectHost(hostConfigFor(sshd));
  });
  afterAll(async () => {
    await remote?.close();
    await sshd?.stop();
  });

  it('returns exit code, stdout and stderr separately', async () => {
    const result = await remote.exec('echo out; echo err >&2; exit 3', { timeoutMs: 10_000 });
    expect(result).toEqual({ exitCode: 3, signal: null, stdout: 'out\n', stderr: 'err\n', timedOut: false, truncated: false });
  });

  it('feeds stdin and closes it', async () => {
    const result = await remote.exec('tr a-z A-Z; echo done', { timeoutMs: 10_000, stdin: 'hello\n' });
    expect(result.stdout).toBe('HELLO\ndone\n');
    expect(result.exitCode).toBe(0);
  });

  it('closes stdin when none is given, so readers do not hang', async () => {
    const result = await remote.exec('cat; echo eof', { timeoutMs: 10_000 });
    expect(result.stdout).toBe('eof\n');
  });

  it('streams output as it arrives', async () => {
    const seen: string[] = [];
    await remote.exec('printf "a\\n"; printf "b\\n" >&2', {
      timeoutMs: 10_000,
      onOutput: (stream, chunk) => {
        seen.push(`${stream}:${chunk}`);
      },
    });
    expect(seen.sort()).toEqual(['stderr:b\n', 'stdout:a\n']);
  });

  it('stops reading a stream while onOutput waits on a promise, and the host waits too', async () => {
    const progress = `/tmp/smoke-backpressure-${process.pid}`;
    // 1000 writes of 64 KiB (64 MB), counted on the host as they complete.
    const command = `i=0; while [ $i -lt 1000 ]; do head -c 65536 /dev/zero; i=$((i + 1)); echo $i > ${progress}; done`;
    let received = 0;
    let letGo: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const done = remote.exec(command, {
      timeoutMs: 60_000,
      maxOutputBytes: 1024,
      onOutput: (_stream, chunk) => {
        received += chunk.length;
        return held;
      },
    });
    // Until the host's count stops moving: it is blocked writing, not done.
    const count = async () => Number((await remote.exec(`cat ${progress} 2>/dev/null || echo 0`, { timeoutMs: 10_000 })).stdout.trim());
    while ((await count()) === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    let last = -1;
    for (let now = await count(); now !== last; now = await count()) {
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    // One chunk taken; the rest waits in the channel's window and buffers, a few MB at most.
    expect(last).toBeLessThan(200);
    expect(received).toBeLessThan(64 * 1024);
    letGo!();
    const result = await done;
    expect(result.exitCode).toBe(0);
    expect(received).toBe(1000 * 65536);
    await remote.exec(`rm -f ${progress}`, { timeoutMs: 10_000 });
  }, 180_000);

  it('keeps the head and tail of 10 MB of output and says how much was elided', async () => {
    const result = await remote.exec(
      'echo FIRST; head -c 10000000 /dev/zero | tr "\\0" x; echo; echo LAST',
      { timeoutMs: 30_000, maxOutputBytes: 64 * 1024 },
    );
    expect(result.truncated).toBe(true);
    expect(result.stdout.startsWith('FIRST\nxxx')).toBe(true);
    expect(result.stdout.endsWith('xxx\nLAST\n')).toBe(true);
    const total = 6 + 10_000_000 + 1 + 5;
    expect(result.stdout).toContain(`\n[... ${total - 64 * 1024} bytes elided ...]\n`);
    expect(result.exitCode).toBe(0);
  });

  it('returns timedOut for a command that outlives its limit, and the connection stays usable', async () => {
    // Far beyond the test's own timeout: only the exec timeout can end this in time.
    const result = await remote.exec('sleep 600', { timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect((await remote.exec('echo again', { timeoutMs: 10_000 })).stdout).toBe('again\n');
  });

  it('rejects a cancelled command with a HostError', async () => {
    const controller = new AbortController();
    const running = remote.exec('sleep 30', { timeoutMs: 30_000, signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toThrow(/command cancelled/);
  });
});
