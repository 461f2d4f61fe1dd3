// How long a connection takes (connect, one `true`, close) to a host on loopback, and to a host
// behind a jump host in a network namespace of its own, and how fast 256 MiB go to each over an
// exec channel (as a run uploads): `node --import tsx scripts/bench-connect.ts [rounds]`.
// Needs root (ip netns). Removes every sshd and the namespace it starts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { posixShell } from '../src/shells/posix.ts';
import { randomFile } from './bench/throughput.ts';
import type { SshHostConfig as HostConfig } from '../src/config/types.ts';
import { connectHost } from '../src/hosts/connect-host.ts';
import { startSshd } from '../src/sandbox/sshd.ts';
import { createTestNetwork } from '../test/support/netns.ts';
import { hostConfigFor } from '../test/support/test-host-config.ts';

const rounds = Number(process.argv[2] ?? 20);
const net = createTestNetwork();
const sshds = await Promise.all([
  startSshd(),
  startSshd({ network: { netns: net.netns, listenAddress: net.inside } }),
  startSshd({ network: { netns: net.netns } }),
]);
try {
  const [direct, jump, behind] = sshds as [(typeof sshds)[0], (typeof sshds)[0], (typeof sshds)[0]];
  const directHost = hostConfigFor(direct);
  const jumpedHost: HostConfig = hostConfigFor(behind, {
    jumps: [{ name: 'jump', address: jump.host, port: jump.port, user: jump.user, auth: { kind: 'key', identityFile: jump.clientKeyPath }, hostKey: { kind: 'pinned', line: jump.hostKeyLine } }],
  });
  const once = async (host: HostConfig): Promise<number> => {
    const start = performance.now();
    const remote = await connectHost(host);
    await remote.exec('true', { timeoutMs: 10_000 });
    await remote.close();
    return performance.now() - start;
  };
  await once(directHost);
  await once(jumpedHost);
  const times = { direct: [] as number[], jump: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    times.direct.push(await once(directHost));
    times.jump.push(await once(jumpedHost));
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!.toFixed(1);
  console.log(`connect + true + close, median of ${rounds} interleaved: direct ${median(times.direct)} ms, through one jump host ${median(times.jump)} ms`);

  const dir = await mkdtemp(join(tmpdir(), 'smoke-bench-connect-'));
  try {
    const size = 256 * 1024 * 1024;
    const file = join(dir, 'payload');
    await randomFile(file, size);
    const push = async (host: HostConfig): Promise<number> => {
      const remote = await connectHost(host);
      try {
        const target = join(dir, `received-${host.port}`);
        const start = performance.now();
        await remote.upload(file, target, { timeoutMs: 120_000, receiver: posixShell.receiveFile(target, 0o600) ?? undefined });
        const seconds = (performance.now() - start) / 1000;
        await rm(target, { force: true });
        return size / 1e6 / seconds;
      } finally {
        await remote.close();
      }
    };
    const rates = { direct: [] as number[], jump: [] as number[] };
    for (let i = 0; i < 3; i++) {
      rates.direct.push(await push(directHost));
      rates.jump.push(await push(jumpedHost));
    }
    console.log(`256 MiB over an exec channel, median of 3 interleaved: direct ${median(rates.direct)} MB/s, through one jump host ${median(rates.jump)} MB/s`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
} finally {
  await Promise.all(sshds.map((s) => s.stop()));
  net.remove();
}
