import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostError } from '../../src/domain/errors.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import type { Remote } from '../../src/hosts/remote.ts';
import { hostConfigFor, startSshd, type SshdHandle } from '../support/sshd.ts';

describe('SFTP over a real sshd', () => {
  let sshd: SshdHandle;
  let remote: Remote;
  let scratch: string;
  beforeAll(async () => {
    sshd = await startSshd();
    remote = await connectHost(hostConfigFor(sshd));
    scratch = mkdtempSync(join(tmpdir(), 'smoke-sftp-'));
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
});
