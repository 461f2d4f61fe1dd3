import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJumpList, parseJumpSpec } from '../../src/config/jump-spec.ts';
import { loadConfig } from '../../src/config/load.ts';
import { expandSshTokens } from '../../src/config/ssh-tokens.ts';
import { configError, lines, makeConfigDir, type ConfigDir } from './config-fixture.ts';
import { sshHost } from '../../src/config/ssh-host.ts';

// hosts.yaml against an ssh_config and a HOME of the test's own; the machine's ~/.ssh is never read.

let tmp: ConfigDir;
let home: string;
beforeEach(async () => {
  tmp = await makeConfigDir();
  home = join(tmp.dir, 'home');
  await mkdir(join(home, '.ssh'), { recursive: true });
});
afterEach(async () => {
  await tmp.remove();
});

const head = ['platforms:', '  linux/amd64:', 'hosts:', '  - name: a', '    platform: linux/amd64'];

async function load(rows: string[], env: NodeJS.ProcessEnv = {}) {
  const file = await tmp.write(lines(...rows));
  return loadConfig(file, { HOME: home, ...env });
}

async function errorLines(rows: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const file = await tmp.write(lines(...rows));
  const error = await configError(loadConfig(file, { HOME: home, ...env }));
  return error.message.split('\n').map((l) => l.replace(file, 'hosts.yaml').replaceAll(home, '~').replaceAll(tmp.dir, 'DIR'));
}

async function userFile(name: string, text: string, mode = 0o600): Promise<string> {
  const path = join(home, '.ssh', name);
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

describe('a host named by its ~/.ssh/config alias', () => {
  it('takes HostName, Port, User, IdentityFile, UserKnownHostsFile and ProxyJump from it, tokens expanded', async () => {
    await userFile('config', lines(
      'Host box',
      '  HostName %h.example.net',
      '  Port 2200',
      '  User deploy',
      '  IdentityFile ~/.ssh/box_%r',
      '  UserKnownHostsFile %d/.ssh/kh_box',
      '  ProxyJump bastion',
      'Host bastion',
      '  HostName 192.0.2.99',
      '  User jumper',
      'Host *',
      '  IdentityFile ~/.ssh/id_ed25519',
    ));
    const key = await userFile('box_deploy', 'key\n');
    const kh = await userFile('kh_box', '');
    const defaultKey = await userFile('id_ed25519', 'key\n');
    const knownHosts = await userFile('known_hosts', '');
    const config = await load([...head, '    address: box']);
    expect(config.hosts[0]).toMatchObject({
      address: 'box.example.net',
      port: 2200,
      user: 'deploy',
      auth: { kind: 'openssh', identityFiles: [key, defaultKey] },
      hostKey: { kind: 'knownHosts', file: kh },
      jumps: [
        {
          name: 'bastion',
          address: '192.0.2.99',
          port: 22,
          user: 'jumper',
          auth: { kind: 'openssh', identityFiles: [defaultKey] },
          hostKey: { kind: 'knownHosts', file: knownHosts },
        },
      ],
    });
  });

  it('lets hosts.yaml keys win over ssh_config, and proxyJump: none drop its ProxyJump', async () => {
    await userFile('config', lines('Host box', '  HostName 192.0.2.1', '  Port 2200', '  User deploy', '  ProxyJump bastion'));
    const config = await load([...head, '    address: box', '    port: 22', '    user: smoke', '    identityFile: key', '    insecureAcceptAnyHostKey: true', '    proxyJump: none']);
    expect(config.hosts[0]).toMatchObject({ address: '192.0.2.1', port: 22, user: 'smoke', auth: { kind: 'key', identityFile: tmp.keyPath }, hostKey: { kind: 'insecure' } });
    expect(sshHost(config.hosts[0]).jumps).toBeUndefined();
  });

  it('uses the agent first when SSH_AUTH_SOCK is set, then the default keys that exist; the local user by default', async () => {
    const rsa = await userFile('id_rsa', 'key\n');
    await userFile('known_hosts', '');
    const config = await load([...head, '    address: 192.0.2.5'], { SSH_AUTH_SOCK: '/tmp/agent.sock', USER: 'alice' });
    expect(config.hosts[0]).toMatchObject({ user: 'alice', auth: { kind: 'openssh', agent: '/tmp/agent.sock', identityFiles: [rsa] } });
  });

  it('reads the file named by sshConfig: instead of ~/.ssh/config, and names it when it is missing', async () => {
    await userFile('config', lines('Host box', '  HostName 192.0.2.1'));
    await tmp.write(lines('Host box', '  HostName 192.0.2.2'), 'my_ssh_config');
    const rows = [...head, '    address: box', '    identityFile: key', '    insecureAcceptAnyHostKey: true'];
    expect(sshHost((await load(['sshConfig: my_ssh_config', ...rows])).hosts[0]).address).toBe('192.0.2.2');
    expect(await errorLines(['sshConfig: nope', ...rows])).toEqual([`hosts.yaml:1:12 (sshConfig): sshConfig DIR/nope does not exist`]);
  });

  it('follows Include (relative to ~/.ssh, ~, a * in the file name, in name order; a missing file skipped)', async () => {
    await userFile('config', lines('Include config.d/*-box nothing-here', 'Include ~/more_config', 'Host *', '  User fallback'));
    await mkdir(join(home, '.ssh', 'config.d'));
    await userFile('config.d/b-box', lines('Host box', '  HostName 192.0.2.2'));
    await userFile('config.d/a-box', lines('Host box', '  HostName 192.0.2.1'));
    await writeFile(join(home, 'more_config'), lines('Host box', '  Port 2222', '  User deploy'));
    const config = await load([...head, '    address: box', '    identityFile: key', '    insecureAcceptAnyHostKey: true']);
    expect(config.hosts[0]).toMatchObject({ address: '192.0.2.1', port: 2222, user: 'deploy' });
  });

  it('names the ssh_config file when its Port is not a number', async () => {
    await userFile('config', lines('Host box', '  Port ssh'));
    expect(await errorLines([...head, '    address: box', '    identityFile: key', '    insecureAcceptAnyHostKey: true'])).toEqual([
      'hosts.yaml:6:14 (hosts[0].address): host a: Port ssh (from ~/.ssh/config) is not a port number',
    ]);
  });
});

describe('proxyJump in hosts.yaml', () => {
  const hop = ['    identityFile: key', '    insecureAcceptAnyHostKey: true'];

  it('takes a string of hops, a list of strings and maps, each map with its own keys', async () => {
    await userFile('known_hosts', '');
    await userFile('id_ed25519', 'key\n');
    const config = await load([
      ...head,
      '    address: 192.0.2.1',
      ...hop,
      '    proxyJump:',
      '      - ops@gw1:2222,gw2',
      '      - address: 192.0.2.3',
      '        hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIADm5BODNu8ylom5xx4EvbuwjKjDb5fqSBQegjyakZve',
      '        identityFile: key',
    ]);
    expect(sshHost(config.hosts[0]).jumps?.map((j) => [j.name, j.address, j.port, j.hostKey.kind, j.auth.kind])).toEqual([
      ['ops@gw1:2222', 'gw1', 2222, 'knownHosts', 'openssh'],
      ['gw2', 'gw2', 22, 'knownHosts', 'openssh'],
      ['192.0.2.3', '192.0.2.3', 22, 'pinned', 'key'],
    ]);
  });

  it('names an unknown key in a hop with file:line:col and the key it probably meant', async () => {
    expect(await errorLines([...head, '    address: 192.0.2.1', ...hop, '    proxyJump:', '      - adress: gw1', '        insecureAcceptAnyHostKey: true'])).toEqual([
      'hosts.yaml:10:9 (hosts[0].proxyJump[0].address): missing required key "address"',
      'hosts.yaml:10:9 (hosts[0].proxyJump[0].adress): unknown key "adress"; did you mean "address"?',
    ]);
  });

  it('names the hop when it has two host-key policies, a bad port, or no known_hosts to check it against', async () => {
    expect(
      await errorLines([
        ...head,
        '    address: 192.0.2.1',
        ...hop,
        '    proxyJump:',
        '      - address: gw1',
        '        knownHosts: key',
        '        insecureAcceptAnyHostKey: true',
      ]),
    ).toEqual([
      'hosts.yaml:12:35 (hosts[0].proxyJump[0].insecureAcceptAnyHostKey): host a, jump host gw1: set only one of hostKey, knownHosts and insecureAcceptAnyHostKey (found knownHosts and insecureAcceptAnyHostKey)',
    ]);
    expect(await errorLines([...head, '    address: 192.0.2.1', ...hop, '    proxyJump: gw1,gw2:ssh'])).toEqual([
      'hosts.yaml:9:16 (hosts[0].proxyJump[1].port): expected an integer from 1 to 65535, got "ssh"',
    ]);
    expect(await errorLines([...head, '    address: 192.0.2.1', ...hop, '    proxyJump: [{ address: gw3, identityFile: key }]'])).toEqual([
      'hosts.yaml:9:17 (hosts[0].proxyJump[0]): host a, jump host gw3: no host-key policy: the default known_hosts (~/.ssh/known_hosts) does not exist; set hostKey: "ssh-ed25519 AAAA..." (from ssh-keyscan), knownHosts: PATH, or insecureAcceptAnyHostKey: true',
    ]);
  });
});

describe('ProxyJump and token syntax', () => {
  it('reads [user@]host[:port], IPv6 in brackets, lists and none', () => {
    expect(parseJumpSpec('ops@gw:2222')).toEqual({ address: 'gw', user: 'ops', port: 2222 });
    expect(parseJumpSpec('[2001:db8::1]:2200')).toEqual({ address: '2001:db8::1', port: 2200 });
    expect(parseJumpSpec('ssh://gw')).toEqual({ address: 'gw' });
    expect(parseJumpList('a, b:22')).toEqual([{ address: 'a' }, { address: 'b', port: 22 }]);
    expect(parseJumpList('none')).toEqual([]);
  });

  it('expands %d %h %n %p %r %u %% and a leading ~', () => {
    const tokens = { home: '/h', host: 'box.example', alias: 'box', port: 2200, user: 'deploy', localUser: 'me' };
    expect(expandSshTokens('~/.ssh/%n_%h_%p_%r_%u_%%_%d', tokens)).toBe('/h/.ssh/box_box.example_2200_deploy_me_%_/h');
    expect(expandSshTokens('/keys/%C', tokens)).toBe('/keys/%C');
  });
});
