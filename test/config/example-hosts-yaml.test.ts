import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { sshHost } from '../../src/config/ssh-host.ts';

// The repository's hosts.yaml is documentation: load it so it never drifts from the loader.
const EXAMPLE = fileURLToPath(new URL('../../hosts.yaml', import.meta.url));

let home: string;
beforeEach(async () => {
  // Its paths start with ~: a temp HOME holds the key and known_hosts it names.
  home = await mkdtemp(join(tmpdir(), 'smoke-home-'));
  await mkdir(join(home, '.ssh'));
  await writeFile(join(home, '.ssh', 'smoke_ed25519'), 'placeholder\n');
  await chmod(join(home, '.ssh', 'smoke_ed25519'), 0o600);
  await writeFile(join(home, '.ssh', 'known_hosts'), '');
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

it('loads the example hosts.yaml: ephemerd four platforms, failover, pinned and known_hosts keys', async () => {
  const config = await loadConfig(EXAMPLE, { HOME: home });
  expect(config.repo).toBe('ephpm/ephemerd');
  expect([...config.platforms.keys()]).toEqual(['linux/amd64', 'linux/arm64', 'windows/amd64', 'darwin/arm64']);
  expect(config.hosts.filter((h) => h.platform === 'linux/amd64').map((h) => h.name)).toEqual(['lin-amd64-1', 'lin-amd64-2']);
  expect(config.hosts.map(sshHost).every((h) => h.auth.kind === 'key' && h.auth.identityFile === join(home, '.ssh', 'smoke_ed25519'))).toBe(true);
  expect(config.hosts.map(sshHost).map((h) => h.hostKey.kind)).toEqual(['knownHosts', 'knownHosts', 'pinned', 'knownHosts', 'knownHosts']);
  for (const host of config.hosts.map(sshHost)) {
    expect(host.shell).toBe(host.platform === 'windows/amd64' ? 'powershell' : 'posix');
    // Every address is from the documentation ranges: the example must never name a real machine.
    expect(host.address).toMatch(/^(192\.0\.2|198\.51\.100)\.\d+$/);
  }
  const windows = config.hosts.find((h) => h.platform === 'windows/amd64');
  expect(windows?.probes.boot.timeoutMs).toBe(300_000);
  expect(windows?.timeouts.uploadMs).toBe(3_600_000);
  const mac = config.hosts.find((h) => h.platform === 'darwin/arm64');
  expect(mac?.probes.extra.map((p) => p.name)).toEqual(['doctor']);
  expect(mac?.probes.extra[0]?.command).toBe('{binary} doctor --check');
  expect(sshHost(mac).jumps).toEqual([
    {
      name: 'jump@198.51.100.1',
      address: '198.51.100.1',
      port: 22,
      user: 'jump',
      auth: { kind: 'key', identityFile: join(home, '.ssh', 'smoke_ed25519') },
      hostKey: { kind: 'knownHosts', file: join(home, '.ssh', 'known_hosts') },
    },
  ]);
});

it('the commented transport: local host of the example loads as written once uncommented', async () => {
  const text = await readFile(EXAMPLE, 'utf8');
  const start = text.indexOf('  # - name: runner-windows\n');
  expect(start).toBeGreaterThan(0);
  const rows = text.slice(start).split('\n');
  const block = rows.slice(0, rows.findIndex((line) => !line.startsWith('  # '))).map((line) => line.replace(/^  # /, '  '));
  const file = join(home, 'local.yaml');
  await writeFile(file, ['platforms:', '  windows/amd64:', 'hosts:', ...block, ''].join('\n'));
  const config = await loadConfig(file, { HOME: home });
  expect(config.hosts).toMatchObject([{ name: 'runner-windows', transport: 'local', shell: 'powershell', workdir: 'C:\\smoke' }]);
});

it('its commented repositories: example loads once uncommented in place of repo:', async () => {
  const text = await readFile(EXAMPLE, 'utf8');
  const lines = text.split('\n');
  const start = lines.indexOf('# repositories:');
  expect(start).toBeGreaterThan(0);
  let end = start;
  while (lines[end + 1]?.startsWith('#   ')) end += 1;
  const uncommented = lines.map((line, i) => (i >= start && i <= end ? line.slice(2) : line)).filter((line) => !line.startsWith('repo: '));
  const file = join(home, 'hosts.yaml');
  // Its relative paths, if any, resolve from this file's folder: none in the example.
  await writeFile(file, uncommented.join('\n'));
  const config = await loadConfig(file, { HOME: home });
  expect(config.repo).toBeUndefined();
  expect(config.repositories.map((r) => [r.repo, r.release.assetPattern, r.release.binaryName, r.statusContext, r.platforms.join(' ')])).toEqual([
    ['ephpm/ephemerd', 'ephemerd_{tag}_{os}_{arch}.{ext}', 'ephemerd', 'smoke-test', 'linux/amd64 linux/arm64 windows/amd64 darwin/arm64'],
    ['ephpm/ephemerd-agent', 'ephemerd-agent_{tag}_{os}_{arch}.{ext}', 'ephemerd-agent', 'smoke-test/agent', 'linux/amd64 linux/arm64'],
  ]);
});
