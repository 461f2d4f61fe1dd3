import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostError } from '../../src/domain/errors.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import type { Remote } from '../../src/hosts/remote.ts';
import { posixShell } from '../../src/shells/posix.ts';
import { hostConfigFor, startSshd, type SshdHandle } from '../support/sshd.ts';

// Without a receiver an upload goes over SFTP (the path Windows hosts take).
describe('uploads over a real sshd', () => {
  let sshd: SshdHandle;
  let remote: Remote;
  let scratch: string;
  beforeAll(async () => {
    sshd = await startSshd();
    remote = await connectHost(hostConfigFor(sshd));
    scratch = mkdtempSync(join(tmpdir(), 'smoke-upload-'));
  });
  afterAll(async () => {
    await remote?.close();
    await sshd?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });
  const run = async (command: string) => (await remote.exec(command, { timeoutMs: 30_000 })).stdout.trim();

  it('uploads 20 MB intact, reporting progress up to the total, and keeps the local mode', async () => {
    // Not a whole number of disk reads or write requests: the last of each is short.
    const data = randomBytes(20 * 1024 * 1024 + 12_345);
    const local = join(scratch, 'big.bin');
    writeFileSync(local, data, { mode: 0o750 });
    const progress: Array<[number, number]> = [];
    const target = `${sshd.dir}/big.bin`;
    await remote.upload(local, target, { timeoutMs: 60_000, onProgress: (bytes, total) => progress.push([bytes, total]) });

    expect(await run(`sha256sum ${target} | cut -d' ' -f1`)).toBe(createHash('sha256').update(data).digest('hex'));
    expect(await run(`stat -c %a ${target}`)).toBe('750');
    expect(progress.at(-1)).toEqual([data.length, data.length]);
    expect(progress.every(([bytes], i) => i === 0 || bytes >= progress[i - 1]![0])).toBe(true);
  });

  it('replaces a longer file that was there, and uploads an empty one with its mode', async () => {
    const target = `${sshd.dir}/replaced.bin`;
    const long = join(scratch, 'long.bin');
    writeFileSync(long, randomBytes(3 * 1024 * 1024));
    await remote.upload(long, target, { timeoutMs: 60_000 });
    const short = join(scratch, 'short.txt');
    writeFileSync(short, 'short now\n');
    await remote.upload(short, target, { timeoutMs: 60_000 });
    expect(await run(`cat ${target}`)).toBe('short now');

    const empty = join(scratch, 'empty');
    writeFileSync(empty, '', { mode: 0o700 });
    const progress: number[] = [];
    await remote.upload(empty, `${sshd.dir}/empty`, { timeoutMs: 10_000, onProgress: (bytes) => progress.push(bytes) });
    expect(await run(`stat -c '%s %a' ${sshd.dir}/empty`)).toBe('0 700');
    expect(progress).toEqual([]);
  });

  it('writes a file with an exact mode, past the umask', async () => {
    await remote.writeFile(`${sshd.dir}/script.sh`, '#!/bin/sh\necho hi\n', { timeoutMs: 10_000, mode: 0o777 });
    expect(await run(`stat -c %a ${sshd.dir}/script.sh`)).toBe('777');
    expect(await run(`${sshd.dir}/script.sh`)).toBe('hi');
    await remote.writeFile(`${sshd.dir}/script.sh`, 'x', { timeoutMs: 10_000, mode: 0o600 });
    expect(await run(`stat -c %a ${sshd.dir}/script.sh; cat ${sshd.dir}/script.sh`)).toBe('600\nx');
  });

  it('names the remote path when an upload cannot be written', async () => {
    const local = join(scratch, 'small.txt');
    writeFileSync(local, 'hello');
    const err = await remote.upload(local, '/no/such/dir/small.txt', { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect((err as Error).message).toMatch(/^host test-\d+: upload to \/no\/such\/dir\/small\.txt failed: No such file/);
    expect(remote.connected).toBe(true);
  });

  // The path POSIX hosts take: `Shell.receiveFile` over an exec channel.
  describe('through a receiving command', () => {
    const local = (name: string, data: Buffer | string) => {
      const path = join(scratch, name);
      writeFileSync(path, data);
      return path;
    };
    const upload = (from: string, to: string, mode = 0o644, timeoutMs = 60_000, onProgress?: (bytes: number, total: number) => void) =>
      remote.upload(from, to, { timeoutMs, receiver: posixShell.receiveFile(to, mode)!, ...(onProgress ? { onProgress } : {}) });

    it('uploads 20 MB intact, with the mode it was given and progress up to the total', async () => {
      const data = randomBytes(20 * 1024 * 1024 + 12_345);
      const progress: Array<[number, number]> = [];
      const target = `${sshd.dir}/big it's.bin`;
      await upload(local('big.bin', data), target, 0o640, 60_000, (bytes, total) => progress.push([bytes, total]));
      expect(await run(`sha256sum "${sshd.dir}/big it's.bin" | cut -d' ' -f1`)).toBe(createHash('sha256').update(data).digest('hex'));
      expect(await run(`stat -c %a "${sshd.dir}/big it's.bin"`)).toBe('640');
      expect(progress.at(-1)).toEqual([data.length, data.length]);
      expect(progress.every(([bytes], i) => i === 0 || bytes > progress[i - 1]![0])).toBe(true);
    });

    it('replaces a longer file that was there, and receives an empty one', async () => {
      const target = `${sshd.dir}/replaced.bin`;
      await upload(local('long.bin', randomBytes(3 * 1024 * 1024)), target);
      await upload(local('short.txt', 'short now\n'), target);
      expect(await run(`cat ${target}`)).toBe('short now');
      await upload(local('empty', ''), `${sshd.dir}/empty`, 0o600);
      expect(await run(`stat -c '%s %a' ${sshd.dir}/empty`)).toBe('0 600');
    });

    it("names the remote path and the host's own words when the file cannot be written", async () => {
      const err = await upload(local('small.txt', 'hello'), '/no/such/dir/small.txt').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostError);
      expect((err as Error).message).toMatch(/^host test-\d+: upload to \/no\/such\/dir\/small\.txt failed: .*\/no\/such\/dir\/small\.txt.*(No such file|nonexistent)/);
      expect(remote.connected).toBe(true);
    });

    it('fails with the exit code when the command says nothing', async () => {
      const err = await remote.upload(local('x.txt', 'x'), '/dev/null', { timeoutMs: 10_000, receiver: 'cat >/dev/null; exit 3' }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/^host test-\d+: upload to \/dev\/null failed: the command exited 3$/);
    });

    it('times out a command that stops reading, and the connection stays usable', async () => {
      const path = local('stuck.bin', randomBytes(8 * 1024 * 1024));
      const started = performance.now();
      const err = await remote.upload(path, '/dev/null', { timeoutMs: 300, receiver: 'sleep 30' }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/^host test-\d+: upload to \/dev\/null timed out after 0\.3 s$/);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(await run('echo still here')).toBe('still here');
    });
  });
});
