import { chmod } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { defaultProbes, DEFAULT_RELEASE } from '../../src/config/defaults.ts';
import { goodHost, lines, makeConfigDir, type ConfigDir } from './config-fixture.ts';
import { sshHost } from '../../src/config/ssh-host.ts';

let tmp: ConfigDir;
beforeEach(async () => {
  tmp = await makeConfigDir();
});
afterEach(async () => {
  await tmp.remove();
});

describe('loadConfig on a valid file', () => {
  it('fills ephemerd defaults around one host', async () => {
    const file = await tmp.write(lines('platforms:', '  linux/amd64:', 'hosts:', ...goodHost()));
    const config = await loadConfig(file, {});
    expect(config.file).toBe(file);
    expect(config.repo).toBeUndefined();
    expect(config.release).toEqual(DEFAULT_RELEASE);
    expect([...config.platforms]).toEqual([['linux/amd64', { minBinaryBytes: 20_000_000 }]]);
    expect(config.inspect.maxExtractedBytes).toBe(2 * 1024 ** 3);
    expect(config).toMatchObject({ concurrency: 4, retries: 1, statusContext: 'smoke-test' });
    const [host] = config.hosts;
    expect(host).toMatchObject({
      name: 'lin-1',
      port: 22,
      shell: 'posix',
      sudo: false,
      launcher: [],
      auth: { kind: 'key', identityFile: tmp.keyPath },
      hostKey: { kind: 'insecure' },
      timeouts: { connectMs: 20_000, uploadMs: 1_800_000, commandMs: 60_000 },
      source: { file, line: 4, col: 5 },
    });
    expect(host?.workdir).toBeUndefined();
    expect(host?.probes).toEqual(defaultProbes());
  });

  it('expects ephemerd four platforms when platforms: is left out', async () => {
    const hosts = [
      ...goodHost('a'),
      ...goodHost('b').map((r) => r.replace('linux/amd64', 'linux/arm64')),
      ...goodHost('c', ['sudo: false']).map((r) => r.replace('linux/amd64', 'windows/amd64')),
      ...goodHost('d').map((r) => r.replace('linux/amd64', 'darwin/arm64')),
    ];
    const config = await loadConfig(await tmp.write(lines('hosts:', ...hosts)), {});
    expect([...config.platforms.keys()]).toEqual(['linux/amd64', 'linux/arm64', 'windows/amd64', 'darwin/arm64']);
    expect(config.platforms.get('windows/amd64')?.minBinaryBytes).toBe(100_000_000);
    // Windows hosts speak PowerShell unless told otherwise.
    expect(config.hosts.map((h) => h.shell)).toEqual(['posix', 'posix', 'powershell', 'posix']);
  });

  it('merges probes: defaults, then the platform, then the host; seconds become ms', async () => {
    const file = await tmp.write(
      lines(
        'probes:',
        '  version: { timeoutSeconds: 5 }',
        '  boot: { failPatterns: [panic], port: 9000 }',
        '  extra:',
        '    - { name: size, command: "ls -l {binary}" }',
        '    - { name: codesign, command: "codesign -d {binary}", expectOutput: "virt", timeoutSeconds: 10 }',
        'platforms:',
        '  linux/amd64:',
        '    minBinaryBytes: 1.5GiB',
        '    probes: { boot: { timeoutSeconds: 120, mode: service } }',
        'timeouts: { connectSeconds: 5 }',
        'hosts:',
        ...goodHost('lin-1', [
          'timeouts: { commandSeconds: 2.5 }',
          'probes:',
          '  boot: { mode: "off" }',
          '  extra: [ { name: codesign, command: "true", expectExitCode: 3 }, { name: more, command: "id" } ]',
        ]),
      ),
    );
    const config = await loadConfig(file, {});
    expect(config.platforms.get('linux/amd64')?.minBinaryBytes).toBe(Math.round(1.5 * 1024 ** 3));
    const host = config.hosts[0]!;
    expect(host.timeouts).toEqual({ connectMs: 5_000, uploadMs: 1_800_000, commandMs: 2_500 });
    expect(host.probes.version).toEqual({ enabled: true, timeoutMs: 5_000 });
    expect(host.probes.boot).toEqual({ ...defaultProbes().boot, mode: 'off', timeoutMs: 120_000, failPatterns: ['panic'], port: 9000 });
    expect(host.probes.extra).toEqual([
      { name: 'size', command: 'ls -l {binary}', expectExitCode: 0, timeoutMs: 60_000 },
      { name: 'codesign', command: 'true', expectExitCode: 3, timeoutMs: 60_000 },
      { name: 'more', command: 'id', expectExitCode: 0, timeoutMs: 60_000 },
    ]);
  });

  it('resolves ~ against HOME and relative paths against the file, and reads agent and pinned keys', async () => {
    await chmod(await tmp.write('x', 'home/.ssh/id'), 0o600);
    await tmp.write('', 'sub/known_hosts');
    const pinned = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIADm5BODNu8ylom5xx4EvbuwjKjDb5fqSBQegjyakZve';
    const file = await tmp.write(
      lines(
        'repo: ephpm/ephemerd',
        'platforms: { linux/amd64: {}, linux/arm64: {} }',
        'hosts:',
        '  - { name: a, platform: linux/amd64, address: h1, user: u, identityFile: ~/.ssh/id, passphraseEnv: PASS, knownHosts: sub/known_hosts }',
        `  - { name: b, platform: linux/arm64, address: h2, user: u, agent: true, hostKey: "${pinned}", launcher: [qemu-aarch64-static] }`,
      ),
    );
    const config = await loadConfig(file, { HOME: `${tmp.dir}/home`, PASS: 'secret', SSH_AUTH_SOCK: '/run/agent.sock' });
    expect(config.repo).toBe('ephpm/ephemerd');
    expect(config.hosts[0]).toMatchObject({
      auth: { kind: 'key', identityFile: `${tmp.dir}/home/.ssh/id`, passphraseEnv: 'PASS' },
      hostKey: { kind: 'knownHosts', file: `${tmp.dir}/sub/known_hosts` },
    });
    expect(config.hosts[1]).toMatchObject({
      auth: { kind: 'agent', socket: '/run/agent.sock' },
      hostKey: { kind: 'pinned', line: pinned },
      launcher: ['qemu-aarch64-static'],
    });
  });

  it('lets hosts share settings through YAML anchors and merge keys', async () => {
    const file = await tmp.write(
      lines(
        'platforms: { linux/amd64: }',
        'x-common: &common { user: smoke, identityFile: key, insecureAcceptAnyHostKey: true, platform: linux/amd64 }',
        'hosts:',
        '  - { <<: *common, name: a, address: 192.0.2.1 }',
        '  - { <<: *common, name: b, address: 192.0.2.2, user: other }',
      ),
    );
    const error = await loadConfig(file, {}).catch((e: unknown) => e);
    // Top-level keys stay strict: the anchor must live somewhere that is allowed.
    expect(String(error)).toContain('(x-common): unknown key "x-common"');
    const fixed = await tmp.write(
      lines(
        'platforms: { linux/amd64: }',
        'hosts:',
        '  - &first { name: a, address: 192.0.2.1, user: smoke, identityFile: key, insecureAcceptAnyHostKey: true, platform: linux/amd64 }',
        '  - { <<: *first, name: b, user: other }',
      ),
    );
    const config = await loadConfig(fixed, {});
    expect(config.hosts.map(sshHost).map((h) => [h.name, h.user, h.address])).toEqual([
      ['a', 'smoke', '192.0.2.1'],
      ['b', 'other', '192.0.2.1'],
    ]);
  });
});
