import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import type { HostConfig } from '../../src/config/types.ts';
import { HostError } from '../../src/domain/errors.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import { fingerprint, parsePublicKeyLine } from '../../src/domain/public-key.ts';
import { processTree } from '../../src/sandbox/process-tree.ts';
import { createTestNetwork, type TestNetwork } from '../support/netns.ts';
import { startSshd, type SshdHandle } from '../support/sshd.ts';

// Three real sshds in a network namespace of the test's own: the jump host listens on the
// namespace's side of a veth pair (this process reaches it), the second jump host and the
// target on the namespace's loopback, which only processes inside it (the jump hosts' sshd) reach.

let net: TestNetwork;
let jump: SshdHandle;
let jump2: SshdHandle;
let target: SshdHandle;
let scratch: string;
let home: string;
let userKey: string;
let otherKeyLine: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'smoke-jump-'));
  // The "user's" own key in a HOME of the test's: ~/.ssh/id_ed25519, authorized on every sshd.
  home = join(scratch, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  userKey = join(home, '.ssh', 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', userKey]);
  const userPub = readFileSync(`${userKey}.pub`, 'utf8').trim();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', join(scratch, 'other')]);
  otherKeyLine = readFileSync(join(scratch, 'other.pub'), 'utf8').trim();

  net = createTestNetwork();
  jump = await startSshd({ network: { netns: net.netns, listenAddress: net.inside }, authorizedKeys: [userPub] });
  jump2 = await startSshd({ network: { netns: net.netns }, authorizedKeys: [userPub] });
  target = await startSshd({ network: { netns: net.netns }, authorizedKeys: [userPub] });
});

afterAll(async () => {
  await Promise.all([jump, jump2, target].map((s) => s?.stop()));
  net?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes hosts.yaml (one linux/amd64 host with `host` keys) and loads it with HOME at the test's home. */
async function hostFrom(name: string, host: string[], top: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<HostConfig> {
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(
    file,
    [...top, 'platforms:', '  linux/amd64:', 'hosts:', '  - name: t', '    platform: linux/amd64', ...host.map((r) => `    ${r}`), ''].join('\n'),
  );
  const config = await loadConfig(file, { HOME: home, ...env });
  return config.hosts[0]!;
}

/** What the login shell on the far end says about its connection: `server-address server-port`. */
async function reached(host: HostConfig): Promise<string> {
  const remote = await connectHost(host);
  try {
    expect(remote.insecureHostKey).toBe(false);
    const out = (await remote.exec('echo $SSH_CONNECTION', { timeoutMs: 10_000 })).stdout.trim().split(' ');
    return `${out[2]} ${out[3]}`;
  } finally {
    await remote.close();
  }
}

async function failure(host: HostConfig): Promise<HostError> {
  const err = await connectHost(host).then(
    async (remote) => {
      await remote.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HostError);
  return err as HostError;
}

function writeUserSshConfig(lines: string[]): void {
  writeFileSync(join(home, '.ssh', 'config'), lines.join('\n') + '\n');
}

function writeKnownHosts(file: string, lines: string[]): void {
  writeFileSync(file, lines.join('\n') + '\n');
}

const aliases = () => [
  'Host sbtarget',
  '  HostName 127.0.0.1',
  `  Port ${target.port}`,
  '  User root',
  '  ProxyJump sbjump',
  'Host sbjump',
  `  HostName ${net.inside}`,
  `  Port ${jump.port}`,
  '  User root',
];

describe('a host behind a jump host', () => {
  it('is not reachable directly: only the jump host reaches its address', async () => {
    const err = await failure({ ...(await hostFrom('direct', [`address: 127.0.0.1`, `port: ${target.port}`, 'insecureAcceptAnyHostKey: true'])) });
    expect(err.message).toMatch(/connection refused|cannot reach/);
  });

  it('is reached by its ~/.ssh/config alias, with the default key and both host keys from ~/.ssh/known_hosts', async () => {
    writeUserSshConfig(aliases());
    // One entry hashed, as ssh writes them with HashKnownHosts.
    writeKnownHosts(join(home, '.ssh', 'known_hosts'), [jump.knownHostsLine(true), target.knownHostsLine()]);
    const host = await hostFrom('alias', ['address: sbtarget']);
    expect(host).toMatchObject({
      address: '127.0.0.1',
      port: target.port,
      user: 'root',
      auth: { kind: 'openssh', identityFiles: [userKey] },
      hostKey: { kind: 'knownHosts', file: join(home, '.ssh', 'known_hosts') },
      jumps: [{ name: 'sbjump', address: net.inside, port: jump.port, user: 'root', hostKey: { kind: 'knownHosts' } }],
    });
    expect(await reached(host)).toBe(`127.0.0.1 ${target.port}`);
  });

  it('refuses a wrong key on the jump host with an error naming the jump host', async () => {
    writeUserSshConfig(aliases());
    writeKnownHosts(join(home, '.ssh', 'known_hosts'), [`[${net.inside}]:${jump.port} ${otherKeyLine}`, target.knownHostsLine()]);
    const err = await failure(await hostFrom('wrong-jump', ['address: sbtarget']));
    const other = fingerprint(parsePublicKeyLine(otherKeyLine)!.blob);
    expect(err.message).toBe(
      `host t: jump host sbjump: host key mismatch: expected ${other} (${join(home, '.ssh', 'known_hosts')}:1), presented ${jump.hostKeyFingerprint}`,
    );
  });

  it('refuses a wrong key on the host behind it with an error naming the host, not the jump host', async () => {
    writeUserSshConfig(aliases());
    writeKnownHosts(join(home, '.ssh', 'known_hosts'), [jump.knownHostsLine(), `[127.0.0.1]:${target.port} ${otherKeyLine}`]);
    const err = await failure(await hostFrom('wrong-target', ['address: sbtarget']));
    const other = fingerprint(parsePublicKeyLine(otherKeyLine)!.blob);
    expect(err.message).toBe(
      `host t: host key mismatch: expected ${other} (${join(home, '.ssh', 'known_hosts')}:2), presented ${target.hostKeyFingerprint}`,
    );
  });

  it('takes proxyJump from hosts.yaml over two hops, each with its own host-key policy, and hosts.yaml keys over ssh_config', async () => {
    // ssh_config points sbtarget at a port where nothing listens and at no jump host: hosts.yaml wins.
    writeUserSshConfig(['Host sbtarget', '  HostName 127.0.0.1', '  Port 1', '  User nobody', '  ProxyJump none']);
    const kh = join(scratch, 'kh-two-hops');
    writeKnownHosts(kh, [jump2.knownHostsLine()]);
    const host = await hostFrom('two-hops', [
      'address: sbtarget',
      `port: ${target.port}`,
      'user: root',
      `hostKey: ${target.hostKeyLine}`,
      'proxyJump:',
      `  - address: ${net.inside}`,
      `    port: ${jump.port}`,
      '    user: root',
      `    hostKey: ${jump.hostKeyLine}`,
      `  - address: 127.0.0.1`,
      `    port: ${jump2.port}`,
      '    user: root',
      `    knownHosts: ${kh}`,
    ]);
    expect(host.jumps?.map((j) => `${j.address}:${j.port}`)).toEqual([`${net.inside}:${jump.port}`, `127.0.0.1:${jump2.port}`]);
    expect(await reached(host)).toBe(`127.0.0.1 ${target.port}`);
  });

  it('names the second of two hops when its key is wrong or not in known_hosts', async () => {
    writeUserSshConfig([]);
    const target_ = ['address: 127.0.0.1', `port: ${target.port}`, 'user: root', `hostKey: ${target.hostKeyLine}`];
    const wrong = await failure(
      await hostFrom('two-hops-wrong', [
        ...target_,
        'proxyJump:',
        `  - { address: ${net.inside}, port: ${jump.port}, user: root, hostKey: "${jump.hostKeyLine}" }`,
        `  - { address: 127.0.0.1, port: ${jump2.port}, user: root, hostKey: "${otherKeyLine}" }`,
      ]),
    );
    expect(wrong.message).toBe(
      `host t: jump host root@127.0.0.1:${jump2.port}: host key mismatch: expected ${fingerprint(parsePublicKeyLine(otherKeyLine)!.blob)} (pinned), presented ${jump2.hostKeyFingerprint}`,
    );
    // The string form's hops have no policy of their own: ~/.ssh/known_hosts, which knows only the first.
    writeKnownHosts(join(home, '.ssh', 'known_hosts'), [jump.knownHostsLine()]);
    const unknown = await failure(
      await hostFrom('two-hops-unknown', [...target_, `proxyJump: root@${net.inside}:${jump.port},root@127.0.0.1:${jump2.port}`]),
    );
    expect(unknown.message).toBe(
      `host t: jump host root@127.0.0.1:${jump2.port}: [127.0.0.1]:${jump2.port} is not in known_hosts file ${join(home, '.ssh', 'known_hosts')} (add it: ssh-keyscan -p ${jump2.port} 127.0.0.1)`,
    );
  });

  it('names the jump host when it cannot reach the host, or refuses our login', async () => {
    writeUserSshConfig(aliases());
    writeKnownHosts(join(home, '.ssh', 'known_hosts'), [jump.knownHostsLine(), target.knownHostsLine()]);
    const refused = await failure(await hostFrom('jump-refused', ['address: sbtarget', 'port: 1']));
    expect(refused.message).toMatch(/^host t: jump host sbjump: could not open a connection to 127\.0\.0\.1:1 \(.*refused.*\)$/i);
    const login = await failure(await hostFrom('jump-login', ['address: sbtarget', 'proxyJump: nobody@sbjump']));
    expect(login.message).toBe(`host t: jump host nobody@sbjump: authentication failed for user nobody (tried: publickey (${userKey}))`);
  });

  it('ends the jump host connection when the host connection closes', async () => {
    writeUserSshConfig(aliases());
    writeKnownHosts(join(home, '.ssh', 'known_hosts'), [jump.knownHostsLine(), target.knownHostsLine()]);
    const before = new Set(processTree(jump.pid));
    const remote = await connectHost(await hostFrom('close', ['address: sbtarget']));
    // The jump host's sshd processes serving this connection (earlier tests' may still be ending).
    const ours = processTree(jump.pid).filter((pid) => !before.has(pid));
    expect(ours.length).toBeGreaterThan(0);
    await remote.close();
    await expect.poll(() => ours.filter((pid) => processTree(jump.pid).includes(pid)), { timeout: 5_000 }).toEqual([]);
  });

  it('uses a key named by IdentityFile and a known_hosts named by UserKnownHostsFile in an sshConfig: file', async () => {
    writeUserSshConfig([]); // the user's own file is not the one named
    const key = join(scratch, 'cfg-key');
    copyFileSync(userKey, key);
    chmodSync(key, 0o600);
    const kh = join(scratch, 'cfg-kh');
    writeKnownHosts(kh, [jump.knownHostsLine(), target.knownHostsLine()]);
    writeFileSync(
      join(scratch, 'ssh_config'),
      [...aliases().flatMap((l) => (l.startsWith('Host ') ? [l, `  IdentityFile ${key}`, `  UserKnownHostsFile /nonexistent/kh ${kh}`] : [l]))].join('\n') + '\n',
    );
    rmSync(join(home, '.ssh', 'id_ed25519')); // the default key is gone: only IdentityFile can work
    try {
      const host = await hostFrom('named-config', ['address: sbtarget'], ['sshConfig: ssh_config']);
      expect(host.auth).toEqual({ kind: 'openssh', identityFiles: [key] });
      expect(host.jumps?.[0]?.hostKey).toEqual({ kind: 'knownHosts', file: kh });
      expect(await reached(host)).toBe(`127.0.0.1 ${target.port}`);
    } finally {
      copyFileSync(key, userKey);
    }
  });

  it('logs in to both hops with the keys of a real ssh-agent when SSH_AUTH_SOCK is set and no key file exists', async () => {
    writeUserSshConfig(aliases());
    writeKnownHosts(join(home, '.ssh', 'known_hosts'), [jump.knownHostsLine(), target.knownHostsLine()]);
    const socket = join(scratch, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'inherit'] });
    const kept = join(scratch, 'kept-key');
    try {
      await once(agent.stdout!, 'data'); // it prints its environment once the socket listens
      execFileSync('ssh-add', ['-q', userKey], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      renameSync(userKey, kept);
      const host = await hostFrom('agent', ['address: sbtarget'], [], { SSH_AUTH_SOCK: socket });
      expect(host.auth).toEqual({ kind: 'openssh', agent: socket, identityFiles: [] });
      expect(host.jumps?.[0]?.auth).toEqual({ kind: 'openssh', agent: socket, identityFiles: [] });
      expect(await reached(host)).toBe(`127.0.0.1 ${target.port}`);
    } finally {
      agent.kill();
      if (existsSync(kept)) renameSync(kept, userKey);
    }
  });

  it('loses the host connection when its jump host dies mid-command: an error naming the host, no hang', async () => {
    // A jump host of its own: killing it must not take the others down for later tests.
    const dying = await startSshd({ network: { netns: net.netns, listenAddress: net.inside }, authorizedKeys: [readFileSync(`${userKey}.pub`, 'utf8').trim()] });
    try {
      writeUserSshConfig([]);
      const remote = await connectHost(
        await hostFrom('dying-jump', [
          'address: 127.0.0.1',
          `port: ${target.port}`,
          'user: root',
          `hostKey: ${target.hostKeyLine}`,
          'proxyJump:',
          `  - { address: ${net.inside}, port: ${dying.port}, user: root, hostKey: "${dying.hostKeyLine}" }`,
        ]),
      );
      const running = remote.exec('echo started; sleep 600', {
        timeoutMs: 120_000,
        onOutput: () => dying.kill('SIGKILL'), // once the command surely runs on the host
      });
      await expect(running).rejects.toThrow(/^host t: connection lost during a command/);
      expect(remote.connected).toBe(false);
    } finally {
      await dying.stop();
    }
  });
});
