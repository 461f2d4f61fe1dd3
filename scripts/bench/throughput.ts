// Push throughput: our SFTP upload against OpenSSH scp (SFTP and legacy modes) and a local cp.
import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import { sshHost } from '../../src/config/ssh-host.ts';
import { posixShell } from '../../src/shells/posix.ts';
import { shellFor } from '../../src/shells/shell-for.ts';
import { cleanupHost } from '../../src/stages/cleanup-host.ts';
import { openRemote } from '../../src/hosts/open-remote.ts';
import type { SshdHandle } from '../../src/sandbox/sshd.ts';
import { MiB } from './world.ts';

const run = promisify(execFile);

export interface Throughput {
  tool: string;
  seconds: number[];
  mbPerSecond: number;
}

/** A file of random bytes, written 4 MiB at a time. */
export async function randomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  const block = Buffer.alloc(4 * MiB);
  for (let written = 0; written < bytes; written += block.length) {
    if (!out.write(Buffer.from(randomFillSync(block).subarray(0, Math.min(block.length, bytes - written))))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

export async function measureThroughput(sshd: SshdHandle, file: string, dir: string, rounds: number): Promise<Throughput[]> {
  const bytes = (await stat(file)).size;
  const target = join(dir, 'received.bin');
  const sshOpts = ['-i', sshd.clientKeyPath, '-P', String(sshd.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-q'];
  const dest = `${sshd.user}@${sshd.host}:${target}`;
  const host = await hostFor(sshd, dir);
  const tools: Array<{ tool: string; once: () => Promise<unknown> }> = [
    { tool: 'cp (local ceiling)', once: () => run('cp', [file, target]) },
    { tool: 'scp (sftp mode, default)', once: () => run('scp', [...sshOpts, file, dest]) },
    { tool: 'scp -O (legacy scp)', once: () => run('scp', ['-O', ...sshOpts, file, dest]) },
    // Connection included, as scp's figure includes its own.
    { tool: 'smoke upload (exec channel: POSIX hosts, what a run uses here)', once: () => ours(posixShell.receiveFile(target, 0o644) ?? undefined) },
    { tool: 'smoke upload (SFTP: Windows hosts)', once: () => ours(undefined) },
  ];
  const ours = async (receiver: string | undefined) => {
    const remote = await connectHost(host);
    try {
      await remote.upload(file, target, { timeoutMs: 600_000, ...(receiver ? { receiver } : {}) });
    } finally {
      await remote.close();
    }
  };
  const results: Throughput[] = [];
  for (const t of tools) results.push({ tool: t.tool, seconds: [], mbPerSecond: 0 });
  // Interleaved rounds: a burst of load from the shared machine hits every tool alike.
  for (let r = 0; r < rounds; r++) {
    for (const [i, t] of tools.entries()) {
      await rm(target, { force: true });
      results[i]!.seconds.push(await timed(t.once));
    }
  }
  await rm(target, { force: true });
  for (const res of results) res.mbPerSecond = bytes / MiB / median(res.seconds);
  return results;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function hostFor(sshd: SshdHandle, dir: string) {
  const file = join(dir, 'throughput-hosts.yaml');
  const host = { name: 'bench', platform: 'linux/amd64', address: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.clientKeyPath, hostKey: sshd.hostKeyLine, shell: 'posix', workdir: dir };
  await writeFile(file, stringify({ repo: 'ephpm/ephemerd', platforms: { 'linux/amd64': {} }, hosts: [host] }));
  return sshHost((await loadConfig(file, {})).hosts[0]);
}

/**
 * The host's cleanup command alone (stop the run's processes, sweep its mark, remove its
 * directory) on the host of `platform` in `configPath`, over a fresh run directory each round.
 * A run pays it once outside any check; on a PowerShell host it is one PowerShell start and
 * its process sweep, the host's time rather than ours.
 */
export async function hostCleanupMs(configPath: string, platform: string, rounds: number): Promise<number> {
  const host = (await loadConfig(configPath, {})).hosts.find((h) => h.platform === platform);
  if (!host) throw new Error(`no host for ${platform} in ${configPath}`);
  const shell = shellFor(host);
  const remote = await openRemote(host);
  const times: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const runDir = (await remote.exec(shell.makeRunDir({ ...(host.workdir ? { workdir: host.workdir } : {}), runId: `bench-cleanup-${r}` }), { timeoutMs: 60_000 })).stdout.trim().split(/\r?\n/)[0]!;
      times.push(await timed(() => cleanupHost(remote, shell, { runDir, keep: false })));
    }
  } finally {
    await remote.close();
  }
  return median(times) * 1000;
}
