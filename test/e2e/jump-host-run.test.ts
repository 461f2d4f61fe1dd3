import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { RunReport } from '../../src/domain/report.ts';
import { startSandbox, standInConfigYaml, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { entries } from '../faults/fault-world.ts';
import { createTestNetwork, type TestNetwork } from '../support/netns.ts';
import { runCli } from '../support/cli-io.ts';
import { startSshd, type SshdHandle } from '../support/sshd.ts';

// `smoke run` through the CLI to a linux/amd64 host that listens on the loopback of a network
// namespace of the test's own, reached only through a jump host on that namespace's veth
// address; hosts.yaml names the host by its ssh_config alias and says nothing else about SSH.

let dir: string;
let sb: Sandbox;
let net: TestNetwork;
let jump: SshdHandle;
let target: SshdHandle;
let home: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoke-jump-run-'));
  sb = await startSandbox({ dir, probes: { boot: { timeoutSeconds: 10, healthz: true, stopGraceSeconds: 3 } } });
  net = createTestNetwork();
  jump = await startSshd({ network: { netns: net.netns, listenAddress: net.inside } });
  target = await startSshd({ network: { netns: net.netns } });
  home = sb.env.HOME!;
  mkdirSync(join(home, '.ssh'), { recursive: true });
  await writeFile(
    join(home, '.ssh', 'config'),
    [
      'Host sbtarget',
      '  HostName 127.0.0.1',
      `  Port ${target.port}`,
      '  User root',
      `  IdentityFile ${target.clientKeyPath}`,
      '  ProxyJump sbjump',
      'Host sbjump',
      `  HostName ${net.inside}`,
      `  Port ${jump.port}`,
      '  User root',
      `  IdentityFile ${jump.clientKeyPath}`,
      '',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([jump, target].map((s) => s?.stop()));
  net?.remove();
  await sb?.close();
  await rm(dir, { recursive: true, force: true });
});

const workdir = () => join(dir, 'work');

/** hosts.yaml with the one linux/amd64 host by its alias, and ~/.ssh/known_hosts with these lines. */
async function runWith(knownHosts: string[]): Promise<{ code: number; stderr: string; report: RunReport }> {
  await writeFile(join(home, '.ssh', 'known_hosts'), knownHosts.join('\n') + '\n');
  const raw = parse(standInConfigYaml({ hosts: [{ name: 'behind-jump', platform: 'linux/amd64', sshd: target }], workdir: workdir() })) as {
    hosts: Record<string, unknown>[];
  };
  // Everything SSH comes from ~/.ssh: drop what the sandbox writes for a loopback host.
  for (const host of raw.hosts) {
    for (const key of ['port', 'user', 'identityFile', 'hostKey']) delete host[key];
    host.address = 'sbtarget';
  }
  const yaml = stringify(raw);
  const config = join(dir, 'hosts-jump.yaml');
  await writeFile(config, yaml);
  const run = await runCli(['run', 'v0.0.1', '--config', config, '--reports', join(dir, 'reports'), '--json', '--platform', 'linux/amd64'], sb.env);
  expect(run.stderr).not.toContain('internal error');
  expect(run.stdout, run.stderr).not.toBe('');
  return { code: run.code, stderr: run.stderr, report: JSON.parse(run.stdout) as RunReport };
}

describe('smoke run through a jump host', () => {
  it('tests the platform on a host reached by its ssh_config alias through the jump host, both keys verified', async () => {
    const { code, stderr, report } = await runWith([jump.knownHostsLine(), target.knownHostsLine(true)]);
    expect(code, stderr).toBe(0);
    const platform = report.platforms.find((p) => p.platform === 'linux/amd64');
    expect(platform).toMatchObject({ verdict: 'pass', host: 'behind-jump' });
    expect(platform?.insecureHostKey).toBeUndefined();
    expect(platform?.checks.map((c) => [c.name, c.status])).toEqual(
      expect.arrayContaining([['upload', 'pass'], ['version', 'pass'], ['boot', 'pass']]),
    );
    expect(report.insecureHosts ?? []).toEqual([]);
    expect(entries(workdir())).toEqual([]); // cleaned up on the host behind the jump
  });

  it('a wrong key on the jump host: the platform is an error naming the jump host, exit 3', async () => {
    const other = sb.hosts.get('darwin/arm64')!; // a real key, not the jump host's
    const { code, report } = await runWith([`[${net.inside}]:${jump.port} ${other.hostKeyLine}`, target.knownHostsLine()]);
    expect(code).toBe(3);
    const platform = report.platforms.find((p) => p.platform === 'linux/amd64');
    expect(platform?.verdict).toBe('error');
    const upload = platform?.checks.find((c) => c.name === 'upload');
    expect(upload?.status).toBe('error');
    expect(upload?.detail).toContain('jump host sbjump: host key mismatch');
    expect(upload?.detail).toContain(jump.hostKeyFingerprint);
  });

  it('a wrong key on the host behind it: an error naming the host and not the jump host, exit 3', async () => {
    const other = sb.hosts.get('darwin/arm64')!;
    const { code, report } = await runWith([jump.knownHostsLine(), `[127.0.0.1]:${target.port} ${other.hostKeyLine}`]);
    expect(code).toBe(3);
    const upload = report.platforms.find((p) => p.platform === 'linux/amd64')?.checks.find((c) => c.name === 'upload');
    expect(upload?.status).toBe('error');
    expect(upload?.detail).toContain('behind-jump');
    expect(upload?.detail).toContain(`host key mismatch`);
    expect(upload?.detail).toContain(target.hostKeyFingerprint);
    expect(upload?.detail).not.toContain('jump host');
  });
});
