import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HostError } from '../../src/domain/errors.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import { hostConfigFor, startSshd, type SshdHandle } from '../support/sshd.ts';

// A non-root sshd: OpenSSH honours channel signals only with privilege separation.
describe('a non-root sshd', () => {
  let sshd: SshdHandle | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });
  beforeEach(async () => {
    sshd = await startSshd({ user: 'smoke-test' });
  });
  afterEach(async () => {
    await sshd?.stop();
    expect(unhandled).toEqual([]);
  });

  it('ends the remote command when its exec times out', async () => {
    const remote = await connectHost(hostConfigFor(sshd!));
    const result = await remote.exec('exec sleep 600', { timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    // The sshd has its own PID namespace, so this sees only this test's processes. If the KILL
    // sent on the channel had not arrived, the loop would outlast its own timeout.
    const left = await remote.exec(`while pgrep -fx 'sleep 600' >/dev/null; do sleep 0.1; done; echo gone`, {
      timeoutMs: 20_000,
    });
    expect(left).toMatchObject({ stdout: 'gone\n', timedOut: false });
    await remote.close();
    expect(remote.connected).toBe(false);
  });

  it('reports the exit signal of a killed command', async () => {
    const remote = await connectHost(hostConfigFor(sshd!));
    const result = await remote.exec('kill -TERM $$', { timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: false });
    await remote.close();
  });

  it('rejects the running step with "connection lost" when sshd dies, and later steps too', async () => {
    const remote = await connectHost(hostConfigFor(sshd!, { name: 'dying' }));
    const running = remote.exec('echo started; sleep 600', {
      timeoutMs: 120_000,
      onOutput: () => sshd!.kill('SIGKILL'), // kill only once the command surely runs
    });
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect((err as Error).message).toMatch(/^host dying: connection lost during a command/);
    expect(remote.connected).toBe(false);
    await expect(remote.exec('true', { timeoutMs: 1_000 })).rejects.toThrow('host dying: not connected');
  });

  it('notices a server that stops answering through keepalive', async () => {
    const remote = await connectHost(hostConfigFor(sshd!, { name: 'frozen' }), { keepaliveMs: 200 });
    const running = remote.exec('echo started; sleep 600', {
      timeoutMs: 120_000,
      onOutput: () => sshd!.kill('SIGSTOP'),
    });
    await expect(running).rejects.toThrow(/^host frozen: connection lost during a command \(Keepalive timeout\)/);
    expect(remote.connected).toBe(false);
  });

  it('rejects an upload cut off by a dying sshd with "connection lost"', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'smoke-lost-'));
    try {
      const local = join(scratch, 'payload.bin');
      writeFileSync(local, randomBytes(32 * 1024 * 1024));
      const remote = await connectHost(hostConfigFor(sshd!, { name: 'dying' }));
      const uploading = remote.upload(local, `${sshd!.dir}/payload.bin`, {
        timeoutMs: 120_000,
        onProgress: () => sshd!.kill('SIGKILL'),
      });
      await expect(uploading).rejects.toThrow(/^host dying: connection lost during upload to \/.*payload\.bin/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
