import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSshd, type SshdHandle } from '../support/sshd.ts';
import { runDepsFor } from '../../src/commands/run-input.ts';
import type { RunEvent } from '../../src/domain/events.ts';
import type { GitHub } from '../../src/github/github.ts';
import { runCli } from '../support/cli-io.ts';
import { hostConfigFor } from '../support/test-host-config.ts';

// What connecting to a host warns about reaches the person at the terminal: an unverified host
// key (named by its YAML key) and an identity file others can read.

const HERE = `linux/${arch() === 'arm64' ? 'arm64' : 'amd64'}`;
let sshd: SshdHandle;
let scratch: string;
beforeAll(async () => {
  sshd = await startSshd();
  scratch = mkdtempSync(join(tmpdir(), 'smoke-connect-warnings-'));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function config(identityFile: string, hostKey: string[]): string {
  const path = join(scratch, 'hosts.yaml');
  const host = [`  - name: box`, `    platform: ${HERE}`, `    address: ${sshd.host}`, `    port: ${sshd.port}`, `    user: ${sshd.user}`, `    identityFile: ${JSON.stringify(identityFile)}`, ...hostKey];
  writeFileSync(path, ['platforms:', `  ${HERE}:`, 'hosts:', ...host, ''].join('\n'));
  return path;
}

it('smoke hosts check warns that the host key was not checked, naming insecureAcceptAnyHostKey', async () => {
  const res = await runCli(['hosts', 'check', '--config', config(sshd.clientKeyPath, ['    insecureAcceptAnyHostKey: true'])], {});
  expect(res.code, res.stderr).toBe(0);
  expect(res.stderr).toContain('smoke: warning: box: host key not checked (insecureAcceptAnyHostKey: true in hosts.yaml)');
});

it('smoke hosts clean warns too, and says nothing when the key is pinned', async () => {
  const insecure = await runCli(['hosts', 'clean', '--config', config(sshd.clientKeyPath, ['    insecureAcceptAnyHostKey: true'])], {});
  expect(insecure.code, insecure.stderr).toBe(0);
  expect(insecure.stderr).toContain('smoke: warning: box: host key not checked (insecureAcceptAnyHostKey: true in hosts.yaml)');
  const pinned = await runCli(['hosts', 'clean', '--config', config(sshd.clientKeyPath, [`    hostKey: ${sshd.hostKeyLine}`])], {});
  expect(pinned.code, pinned.stderr).toBe(0);
  expect(pinned.stderr).not.toContain('warning');
});

// Loading refuses a key others can read; a long `smoke watch` loads once, and a key whose mode
// changed since is still said when a run connects with it.
it('a run connecting with a key that became readable by others warns the run\'s view', async () => {
  const key = join(scratch, 'readable-key');
  copyFileSync(sshd.clientKeyPath, key);
  chmodSync(key, 0o644);
  const events: RunEvent[] = [];
  const deps = runDepsFor({} as GitHub, (e) => events.push(e));
  const remote = await deps.connect(hostConfigFor(sshd, { name: 'box', auth: { kind: 'key', identityFile: key } }));
  await remote.close();
  expect(events).toContainEqual({ kind: 'warning', host: 'box', message: `identity file ${key} is readable by others (mode 644); chmod 600 it` });
});
