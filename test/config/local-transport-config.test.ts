import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { configError, goodHost, lines, makeConfigDir, type ConfigDir } from './config-fixture.ts';

let tmp: ConfigDir;
beforeEach(async () => {
  tmp = await makeConfigDir();
});
afterEach(async () => {
  await tmp.remove();
});

const head = ['platforms:', '  linux/amd64:', '  windows/amd64:', 'hosts:'];

async function errorLines(rows: string[]): Promise<string[]> {
  const file = await tmp.write(lines(...rows));
  // HOME is empty: no default key or known_hosts could make an SSH host valid by accident.
  const error = await configError(loadConfig(file, { HOME: join(tmp.dir, 'home') }));
  return error.message.split('\n').map((line) => line.replace(file, 'hosts.yaml'));
}

describe('transport: local in hosts.yaml', () => {
  it('needs no address, user, key or host key, even with no ~/.ssh at all', async () => {
    const file = await tmp.write(
      lines(...head, '  - name: runner', '    platform: linux/amd64', '    transport: local', '    sudo: true', '  - name: win', '    platform: windows/amd64', '    transport: local'),
    );
    const config = await loadConfig(file, { HOME: join(tmp.dir, 'home') });
    expect(config.hosts).toMatchObject([
      { name: 'runner', transport: 'local', shell: 'posix', sudo: true, launcher: [], source: { file, line: 5, col: 5 } },
      { name: 'win', transport: 'local', shell: 'powershell' },
    ]);
    expect(config.hosts[0]).not.toHaveProperty('address');
    expect(config.hosts[0]).not.toHaveProperty('hostKey');
  });

  it('refuses SSH keys next to it, each at its own file:line (key)', async () => {
    const rows = [...head, ...goodHost('ssh-1'), '  - name: runner', '    platform: windows/amd64', '    transport: local', '    hostKey: ssh-ed25519 AAAA', '    user: runner', '    proxyJump: bastion'];
    const at = rows.indexOf('    hostKey: ssh-ed25519 AAAA') + 1;
    expect(await errorLines(rows)).toEqual([
      `hosts.yaml:${at}:5 (hosts[1].hostKey): host runner: hostKey is for SSH hosts; transport: local runs on this machine without SSH (remove hostKey)`,
      `hosts.yaml:${at + 1}:5 (hosts[1].user): host runner: user is for SSH hosts; transport: local runs on this machine without SSH (remove user)`,
      `hosts.yaml:${at + 2}:5 (hosts[1].proxyJump): host runner: proxyJump is for SSH hosts; transport: local runs on this machine without SSH (remove proxyJump)`,
    ]);
  });

  it('still wants an address for an SSH host, and names a misspelt transport', async () => {
    expect(await errorLines([...head, '  - name: a', '    platform: linux/amd64', '    transport: ssh', '  - name: b', '    platform: windows/amd64', '    transport: locale'])).toEqual([
      'hosts.yaml:5:5 (hosts[0].address): missing required key "address"',
      'hosts.yaml:8:5 (hosts[1].address): missing required key "address"',
      'hosts.yaml:10:16 (hosts[1].transport): expected ssh or local, got "locale"',
    ]);
  });
});
