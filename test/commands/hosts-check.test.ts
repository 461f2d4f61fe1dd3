import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hostsCheckCommand } from '../../src/commands/hosts-check.ts';
import { ConfigError } from '../../src/domain/errors.ts';
import { fingerprint, parsePublicKeyLine } from '../../src/domain/public-key.ts';
import { startSshd, type SshdHandle } from '../support/sshd.ts';
import { captureIo } from '../support/cli-io.ts';

// This machine, in our words: the host every sshd here runs on.
const HERE = `linux/${arch() === 'arm64' ? 'arm64' : 'amd64'}`;
const ELSEWHERE = HERE === 'linux/amd64' ? 'linux/arm64' : 'linux/amd64';

let root: SshdHandle;
let plain: SshdHandle;
let scratch: string;
beforeAll(async () => {
  [root, plain] = await Promise.all([startSshd(), startSshd({ user: 'smoke-test' })]);
  scratch = mkdtempSync(join(tmpdir(), 'smoke-hosts-check-'));
});
afterAll(async () => {
  await Promise.all([root?.stop(), plain?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
});

/** One host entry of hosts.yaml reaching `sshd`; `keys` add or replace keys (undefined drops one). */
function hostYaml(name: string, platform: string, sshd: SshdHandle, keys: Record<string, string | undefined> = {}): string[] {
  const entry: Record<string, string | undefined> = {
    name,
    platform,
    address: sshd.host,
    port: String(sshd.port),
    user: sshd.user,
    identityFile: JSON.stringify(sshd.clientKeyPath),
    hostKey: sshd.hostKeyLine,
    ...keys,
  };
  const rows = Object.entries(entry).filter((kv): kv is [string, string] => kv[1] !== undefined);
  return rows.map(([key, value], i) => `${i === 0 ? '  - ' : '    '}${key}: ${value}`);
}

async function check(file: string, platforms: string[], hosts: string[][]) {
  const path = join(scratch, file);
  writeFileSync(path, ['platforms:', ...platforms.map((p) => `  ${p}:`), 'timeouts:', '  connectSeconds: 10', 'hosts:', ...hosts.flat(), ''].join('\n'));
  const cap = captureIo();
  const code = await hostsCheckCommand({ config: path }, cap.io);
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

/** The table's cells for one host: columns are two or more spaces apart. */
function row(stdout: string, host: string): Record<string, string> {
  const lines = stdout.split('\n');
  const header = lines[0]!.split(/ {2,}/);
  const line = lines.find((l) => l.startsWith(`${host} `));
  expect(line, `no row for ${host} in:\n${stdout}`).toBeDefined();
  const cells = line!.split(/ {2,}/);
  return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

it('reports a usable host with what it says it is, its free disk and a verified key', async () => {
  const res = await check('ok.yaml', [HERE], [hostYaml('box-ok', HERE, root)]);
  expect(res.code).toBe(0);
  expect(row(res.stdout, 'box-ok')).toEqual({
    HOST: 'box-ok',
    PLATFORM: HERE,
    REPORTS: HERE,
    'FREE DISK': expect.stringMatching(/^\d+(\.\d)? (KB|MB|GB)$/),
    SUDO: 'not asked',
    'HOST KEY': 'verified',
    STATUS: 'ok',
  });
  expect(res.stdout).toContain('all 1 host(s) usable');
});

it('marks a host unusable when it reports another platform, unless a launcher emulates it', async () => {
  const res = await check('arch.yaml', [HERE, ELSEWHERE], [
    hostYaml('box-here', HERE, root),
    hostYaml('box-wrong', ELSEWHERE, root),
    hostYaml('box-emulated', ELSEWHERE, root, { launcher: `[${JSON.stringify(process.execPath)}]` }),
  ]);
  expect(res.code).toBe(1);
  expect(row(res.stdout, 'box-here').STATUS).toBe('ok');
  expect(row(res.stdout, 'box-wrong')).toMatchObject({ REPORTS: HERE, STATUS: `unusable: reports ${HERE}` });
  expect(row(res.stdout, 'box-emulated').STATUS).toBe(`ok, emulated via ${process.execPath}`);
  expect(res.stdout).toContain('1 of 3 host(s) unusable');
});

it('says when the launcher is not on the host', async () => {
  const res = await check('launcher.yaml', [ELSEWHERE], [hostYaml('box-noemu', ELSEWHERE, root, { launcher: '[qemu-nowhere-static]' })]);
  expect(res.code).toBe(1);
  expect(row(res.stdout, 'box-noemu').STATUS).toBe("unusable: launcher qemu-nowhere-static is not on the host's PATH");
});

it('names the cause when a host refuses the connection', async () => {
  const port = await closedPort();
  const res = await check('refused.yaml', [HERE], [hostYaml('box-down', HERE, root, { port: String(port) })]);
  expect(res.code).toBe(1);
  expect(row(res.stdout, 'box-down')).toMatchObject({ REPORTS: '-', 'HOST KEY': 'unknown', STATUS: `unusable: connection refused at 127.0.0.1:${port}` });
});

it('refuses a host whose key is not the pinned one, naming both fingerprints', async () => {
  const other = join(scratch, 'other_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', other]);
  const otherLine = readFileSync(`${other}.pub`, 'utf8').trim();
  const res = await check('mismatch.yaml', [HERE], [hostYaml('box-imposter', HERE, root, { hostKey: otherLine })]);
  expect(res.code).toBe(1);
  const expected = fingerprint(parsePublicKeyLine(otherLine)!.blob);
  expect(row(res.stdout, 'box-imposter').STATUS).toBe(
    `unusable: host key mismatch: expected ${expected} (pinned), presented ${root.hostKeyFingerprint}`,
  );
});

it('marks a host unusable when sudo is asked for but sudo -n fails for its user', async () => {
  const res = await check('sudo.yaml', [HERE], [hostYaml('box-nosudo', HERE, plain, { sudo: 'true' })]);
  expect(res.code).toBe(1);
  expect(row(res.stdout, 'box-nosudo')).toMatchObject({ SUDO: 'fails', 'HOST KEY': 'verified' });
  expect(row(res.stdout, 'box-nosudo').STATUS).toMatch(/^unusable: sudo -n fails: .*sudo/);
});

it('shows an insecure host key policy and a missing workdir', async () => {
  const missing = join(scratch, 'no such dir');
  const res = await check('insecure.yaml', [HERE], [
    hostYaml('box-insecure', HERE, plain, { hostKey: undefined, insecureAcceptAnyHostKey: 'true', workdir: JSON.stringify(missing) }),
  ]);
  expect(res.code).toBe(1);
  expect(row(res.stdout, 'box-insecure')).toMatchObject({ 'HOST KEY': 'INSECURE', STATUS: `unusable: workdir ${missing} does not exist` });
});

it('lets a config error propagate for the CLI to map to exit 2', async () => {
  const path = join(scratch, 'broken.yaml');
  writeFileSync(path, 'hosts: []\n');
  const cap = captureIo();
  const err = await hostsCheckCommand({ config: path }, cap.io).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).message).toContain(path);
  expect(cap.stdout()).toBe('');
});
