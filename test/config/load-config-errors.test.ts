import { chmod } from 'node:fs/promises';
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

/** Loads YAML rows and returns the lines of the error message a user would see. */
async function messageLines(...rows: string[]): Promise<string[]> {
  const file = await tmp.write(lines(...rows));
  // HOME is an empty folder: ssh's defaults (~/.ssh/config, known_hosts, id_*) are absent.
  const home = join(tmp.dir, 'home');
  const error = await configError(loadConfig(file, { HOME: home }));
  return error.message.split('\n').map((line) => line.replace(file, 'hosts.yaml').replaceAll(home, '~'));
}

const onePlatform = ['platforms:', '  linux/amd64:', 'hosts:'];

describe('loadConfig refuses files it cannot read', () => {
  it('names a missing file by its absolute path', async () => {
    const error = await configError(loadConfig(join(tmp.dir, 'nope.yaml'), {}));
    expect(error.message).toBe(`${join(tmp.dir, 'nope.yaml')}: config file not found (looked for ${join(tmp.dir, 'nope.yaml')})`);
    expect(error.exitCode).toBe(2);
  });

  it('reports a YAML syntax error with its position', async () => {
    const msg = await messageLines('hosts:', '  - name: a', '    platform: [linux/amd64', '  - x');
    expect(msg[0]).toMatch(/^hosts\.yaml:4:3: not valid YAML: Flow sequence .* end with a \]$/);
  });

  it('reports a duplicate key at the second occurrence', async () => {
    const msg = await messageLines('concurrency: 2', 'hosts: []', 'concurrency: 3');
    expect(msg).toEqual(['hosts.yaml:3:1: duplicate key "concurrency": a key may appear only once in a map']);
  });

  it('says an empty file is empty', async () => {
    expect(await messageLines('# nothing yet')).toEqual([
      'hosts.yaml:1:1: the file is empty: expected settings with at least a hosts: list',
    ]);
  });

  it('wants a map at the top', async () => {
    expect(await messageLines('- a')).toEqual(['hosts.yaml:1:1: expected a map of settings (repo, platforms, hosts, ...), got a list']);
  });
});

describe('loadConfig names wrong keys and values with file:line:col and the key path', () => {
  it('reports several problems at once, one per line, in file order', async () => {
    const msg = await messageLines(
      'repo: ephemerd',
      'concurrency: four',
      'hosts:',
      '  - name: a',
      '    platform: linux/amd64',
      '    address: 192.0.2.1',
      '    prot: 22',
      '    port: twenty-two',
      '    identity_file: key',
      '    colour: blue',
      '  - platform: linux/amd64',
    );
    expect(msg).toEqual([
      'hosts.yaml:1:7 (repo): expected owner/name, e.g. ephpm/ephemerd, got "ephemerd"',
      'hosts.yaml:2:14 (concurrency): expected an integer from 1 to 64, got "four"',
      'hosts.yaml:7:5 (hosts[0].prot): unknown key "prot"; did you mean "port"?',
      'hosts.yaml:8:11 (hosts[0].port): expected an integer from 1 to 65535, got "twenty-two"',
      'hosts.yaml:9:5 (hosts[0].identity_file): unknown key "identity_file"; did you mean "identityFile"?',
      expect.stringMatching(/^hosts\.yaml:10:5 \(hosts\[0\]\.colour\): unknown key "colour"; valid keys here: name, platform, address, port, user, identityFile, /),
      'hosts.yaml:11:5 (hosts[1].name): missing required key "name"',
      'hosts.yaml:11:5 (hosts[1].address): missing required key "address"',
    ]);
  });

  it('suggests keys in nested maps too', async () => {
    const msg = await messageLines('probes:', '  boot: { timeoutSecs: 10 }', 'hosts:', ...goodHost());
    expect(msg).toEqual(['hosts.yaml:2:11 (probes.boot.timeoutSecs): unknown key "timeoutSecs"; did you mean "timeoutSeconds"?']);
  });

  it('names a bad regular expression and where it is', async () => {
    const msg = await messageLines(
      'release: { tagPattern: "^v(" }',
      'probes:',
      '  boot:',
      '    readyPattern: "ready"',
      '    failPatterns: [ok, "[a-"]',
      'hosts:',
      ...goodHost(),
    );
    expect(msg).toEqual([
      'hosts.yaml:1:24 (release.tagPattern): not a valid regular expression: Invalid regular expression: /^v(/: Unterminated group',
      'hosts.yaml:5:24 (probes.boot.failPatterns[1]): not a valid regular expression: Invalid regular expression: /[a-/: Unterminated character class',
    ]);
  });

  it('rejects sizes, durations and enums it cannot read', async () => {
    const msg = await messageLines(
      'platforms: { linux/amd64: { minBinaryBytes: 20XB } }',
      'inspect: { maxExtractedBytes: -1 }',
      'hosts:',
      ...goodHost('a', ['timeouts: { connectSeconds: 0 }', 'shell: bash']),
    );
    expect(msg).toEqual([
      'hosts.yaml:1:45 (platforms.linux/amd64.minBinaryBytes): expected a size such as 20MB, 2GiB or a number of bytes, got "20XB"',
      'hosts.yaml:2:31 (inspect.maxExtractedBytes): expected a size such as 20MB, 2GiB or a number of bytes, got -1',
      'hosts.yaml:10:33 (hosts[0].timeouts.connectSeconds): expected a number of seconds greater than 0, got 0',
      'hosts.yaml:11:12 (hosts[0].shell): expected posix or powershell, got "bash"',
    ]);
  });

  it('says what shape it wanted where zod has no words of its own', async () => {
    expect(await messageLines('probes: { boot: [] }', 'hosts:', '  - lin-1', ...goodHost('a', ['timeouts: 4']))).toEqual([
      'hosts.yaml:1:17 (probes.boot): expected a map of keys and values, got an empty list',
      'hosts.yaml:3:5 (hosts[0]): expected a map of keys and values, got "lin-1"',
      'hosts.yaml:10:15 (hosts[1].timeouts): expected a map of keys and values, got 4',
    ]);
  });

  it('wants owner/name for repo and at least one host', async () => {
    expect(await messageLines('repo: ephpm/ephemerd/extra', 'hosts: []')).toEqual([
      'hosts.yaml:1:7 (repo): expected owner/name, e.g. ephpm/ephemerd, got "ephpm/ephemerd/extra"',
      'hosts.yaml:2:8 (hosts): expected at least one host, got an empty list',
    ]);
  });

  it('points at the top of the file for a missing hosts list', async () => {
    expect(await messageLines('repo: a/b')).toEqual(['hosts.yaml:1:1 (hosts): missing required key "hosts"']);
  });
});

describe('loadConfig checks platforms', () => {
  it('names an unknown platform and suggests the Go name', async () => {
    const msg = await messageLines('platforms:', '  linux/x86_64:', 'hosts:', ...goodHost('a').map((r) => r.replace('linux/amd64', 'linux-amd64')));
    expect(msg).toEqual([
      'hosts.yaml:2:3 (platforms.linux/x86_64): unknown platform "linux/x86_64": expected os/arch in Go\'s names; did you mean "linux/amd64"?',
      'hosts.yaml:5:15 (hosts[0].platform): unknown platform "linux-amd64": expected os/arch in Go\'s names; did you mean "linux/amd64"?',
    ]);
  });

  it('loads a config whose expected platforms have no host: they are judged without one', async () => {
    const file = await tmp.write(lines('hosts:', ...goodHost()));
    const config = await loadConfig(file, { HOME: join(tmp.dir, 'home') });
    expect([...config.platforms.keys()]).toEqual(['linux/amd64', 'linux/arm64', 'windows/amd64', 'darwin/arm64']);
    expect(config.hosts.map((h) => h.platform)).toEqual(['linux/amd64']);
  });

  it('refuses a host whose platform is not expected', async () => {
    const msg = await messageLines(...onePlatform, ...goodHost(), ...goodHost('mac').map((r) => r.replace('linux/amd64', 'darwin/arm64')));
    expect(msg).toEqual([
      'hosts.yaml:11:15 (hosts[1].platform): host mac: platform darwin/arm64 is not expected (expected: linux/amd64); add it under platforms:',
    ]);
  });

  it('wants a size floor for a platform ephemerd does not ship', async () => {
    const msg = await messageLines('platforms:', '  linux/riscv64: {}', 'hosts:', ...goodHost().map((r) => r.replace('linux/amd64', 'linux/riscv64')));
    expect(msg).toEqual(['hosts.yaml:2:3 (platforms.linux/riscv64): platform linux/riscv64 has no default size floor: set minBinaryBytes (e.g. 20MB)']);
  });
});

describe('loadConfig checks hosts', () => {
  it('names both lines of a duplicate host name', async () => {
    const msg = await messageLines(...onePlatform, ...goodHost('twin'), ...goodHost('twin'));
    expect(msg).toEqual(['hosts.yaml:10:11 (hosts[1].name): host name "twin" is used twice (lines 4 and 10); names must be unique']);
  });

  it('refuses a host without a host-key policy when the default known_hosts does not exist, and names the three options', async () => {
    const msg = await messageLines(...onePlatform, ...goodHost().filter((r) => !r.includes('insecure')));
    expect(msg).toEqual([
      'hosts.yaml:4:5 (hosts[0]): host lin-1: no host-key policy: the default known_hosts (~/.ssh/known_hosts) does not exist; set hostKey: "ssh-ed25519 AAAA..." (from ssh-keyscan), knownHosts: PATH, or insecureAcceptAnyHostKey: true',
    ]);
  });

  it('counts insecureAcceptAnyHostKey: false as no policy', async () => {
    const host = goodHost().map((r) => r.replace('insecureAcceptAnyHostKey: true', 'insecureAcceptAnyHostKey: false'));
    expect((await messageLines(...onePlatform, ...host))[0]).toContain('host lin-1: no host-key policy');
  });

  it('refuses hostKey and knownHosts together, and a hostKey that is not a key', async () => {
    await tmp.write('', 'known_hosts');
    const host = goodHost('a', ['hostKey: ssh-ed25519 AAAA', 'knownHosts: known_hosts']).filter((r) => !r.includes('insecure'));
    expect(await messageLines(...onePlatform, ...host)).toEqual([
      'hosts.yaml:9:14 (hosts[0].hostKey): host a: hostKey is not an SSH public key; expected "TYPE BASE64", e.g. a line of ssh-keyscan 192.0.2.10',
      'hosts.yaml:10:17 (hosts[0].knownHosts): host a: set only one of hostKey, knownHosts and insecureAcceptAnyHostKey (found hostKey and knownHosts)',
    ]);
  });

  it('names a missing identityFile and knownHosts by their resolved paths', async () => {
    const host = goodHost('a', ['knownHosts: ~/kh']).map((r) => r.replace('identityFile: key', 'identityFile: keys/id')).filter((r) => !r.includes('insecure'));
    const file = await tmp.write(lines(...onePlatform, ...host));
    const error = await configError(loadConfig(file, { HOME: '/nonexistent-home' }));
    expect(error.message.split('\n')).toEqual([
      `${file}:8:19 (hosts[0].identityFile): host a: identityFile ${join(tmp.dir, 'keys/id')} does not exist`,
      `${file}:9:17 (hosts[0].knownHosts): host a: knownHosts /nonexistent-home/kh does not exist`,
    ]);
  });

  it('refuses a key file others can read, as OpenSSH does', async () => {
    await chmod(tmp.keyPath, 0o640);
    expect(await messageLines(...onePlatform, ...goodHost())).toEqual([
      `hosts.yaml:8:19 (hosts[0].identityFile): host lin-1: identityFile ${tmp.keyPath} is readable by group or others (mode 0640); ssh refuses such keys: chmod 600 ${tmp.keyPath}`,
    ]);
  });

  it('names an unset passphrase variable', async () => {
    expect(await messageLines(...onePlatform, ...goodHost('a', ['passphraseEnv: SMOKE_PASS']))).toEqual([
      'hosts.yaml:10:20 (hosts[0].passphraseEnv): host a: environment variable SMOKE_PASS (the key\'s passphrase) is not set',
    ]);
  });

  it('wants one way to log in: a key, the agent, or one of the default keys', async () => {
    const none = goodHost('a').filter((r) => !r.includes('identityFile'));
    expect(await messageLines(...onePlatform, ...none)).toEqual([
      'hosts.yaml:4:5 (hosts[0]): host a: no way to log in: SSH_AUTH_SOCK is not set and none of the default keys exists (~/.ssh/id_ed25519, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa); set identityFile: PATH or agent: true',
    ]);
    expect(await messageLines(...onePlatform, ...goodHost('b', ['agent: true']))).toEqual([
      'hosts.yaml:10:12 (hosts[0].agent): host b: set either identityFile or agent, not both',
    ]);
    const agent = goodHost('c', ['agent: true']).filter((r) => !r.includes('identityFile'));
    expect(await messageLines(...onePlatform, ...agent)).toEqual([
      "hosts.yaml:9:12 (hosts[0].agent): host c: agent: true but SSH_AUTH_SOCK is not set (start ssh-agent, or give the socket's path)",
    ]);
  });

  it('keeps powershell to Windows and sudo away from powershell', async () => {
    const msg = await messageLines(
      'platforms: { linux/amd64: , windows/amd64: }',
      'hosts:',
      ...goodHost('lin', ['shell: powershell']),
      ...goodHost('win', ['sudo: true']).map((r) => r.replace('linux/amd64', 'windows/amd64')),
    );
    expect(msg).toEqual([
      'hosts.yaml:9:12 (hosts[0].shell): host lin: shell powershell is only for windows/* hosts',
      'hosts.yaml:16:11 (hosts[1].sudo): host win: sudo is for Unix hosts; on Windows log in as an Administrator',
    ]);
  });

  it('refuses an extra probe named like a built-in check', async () => {
    const msg = await messageLines('probes:', '  extra: [ { name: boot, command: "true" } ]', 'hosts:', ...goodHost());
    expect(msg).toEqual([
      'hosts.yaml:2:20 (probes.extra[0].name): expected a name other than the built-in checks (asset, checksum, archive, upload, version, boot), got "boot"',
    ]);
  });
});
