import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostConfig } from '../../src/config/types.ts';
import { HostError } from '../../src/domain/errors.ts';
import type { RunEvent } from '../../src/domain/events.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import { fingerprint, parsePublicKeyLine } from '../../src/domain/public-key.ts';
import { hostConfigFor, startSshd, type SshdHandle } from '../support/sshd.ts';

describe('connectHost against a real sshd', () => {
  let sshd: SshdHandle;
  let scratch: string;
  let otherKeyLine: string;
  beforeAll(async () => {
    sshd = await startSshd();
    scratch = mkdtempSync(join(tmpdir(), 'smoke-connect-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', join(scratch, 'other')]);
    otherKeyLine = readFileSync(join(scratch, 'other.pub'), 'utf8').trim();
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function connectsWith(overrides: Partial<HostConfig>, events: RunEvent[] = []) {
    const remote = await connectHost(hostConfigFor(sshd, overrides), { onEvent: (e) => events.push(e) });
    try {
      return { insecure: remote.insecureHostKey, whoami: (await remote.exec('id -un', { timeoutMs: 10_000 })).stdout };
    } finally {
      await remote.close();
    }
  }
  async function failure(overrides: Partial<HostConfig>, events: RunEvent[] = []): Promise<HostError> {
    const err = await connectsWith(overrides, events).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HostError);
    return err as HostError;
  }
  function knownHosts(name: string, lines: string[]): string {
    const file = join(scratch, name);
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  }

  describe('host key', () => {
    it('accepts the pinned key', async () => {
      expect(await connectsWith({})).toEqual({ insecure: false, whoami: 'root\n' });
    });

    it('refuses another pinned key, naming the host and both fingerprints', async () => {
      const expected = fingerprint(parsePublicKeyLine(otherKeyLine)!.blob);
      const err = await failure({ name: 'box1', hostKey: { kind: 'pinned', line: otherKeyLine } });
      expect(err.message).toBe(
        `host box1: host key mismatch: expected ${expected} (pinned), presented ${sshd.hostKeyFingerprint}`,
      );
    });

    it('accepts plain, hashed and [host]:port known_hosts entries among comments and other hosts', async () => {
      for (const entry of [sshd.knownHostsLine(false), sshd.knownHostsLine(true)]) {
        const file = knownHosts('kh-ok', [
          '# a comment',
          '',
          `github.com ${otherKeyLine}`,
          `127.0.0.1 ${otherKeyLine}`, // port 22 is another host than [127.0.0.1]:port
          entry,
        ]);
        expect(await connectsWith({ hostKey: { kind: 'knownHosts', file } })).toEqual({ insecure: false, whoami: 'root\n' });
      }
    });

    it('refuses a known_hosts key that differs, naming the file line', async () => {
      const file = knownHosts('kh-wrong', [`[127.0.0.1]:${sshd.port} ${otherKeyLine}`]);
      const err = await failure({ hostKey: { kind: 'knownHosts', file } });
      expect(err.message).toContain(`expected ${fingerprint(parsePublicKeyLine(otherKeyLine)!.blob)} (${file}:1)`);
      expect(err.message).toContain(`presented ${sshd.hostKeyFingerprint}`);
    });

    it('says when the host is not in known_hosts (only its port-22 name is)', async () => {
      const file = knownHosts('kh-missing', [`127.0.0.1 ${sshd.hostKeyLine}`]);
      const err = await failure({ hostKey: { kind: 'knownHosts', file } });
      expect(err.message).toContain(`[127.0.0.1]:${sshd.port} is not in known_hosts file ${file}`);
    });

    it('refuses a key marked @revoked even when it is also listed', async () => {
      const file = knownHosts('kh-revoked', [sshd.knownHostsLine(), `@revoked * ${sshd.hostKeyLine}`]);
      const err = await failure({ hostKey: { kind: 'knownHosts', file } });
      expect(err.message).toContain(`host key ${sshd.hostKeyFingerprint} is marked @revoked in ${file}:2`);
    });

    it('says @cert-authority entries are not supported', async () => {
      const file = knownHosts('kh-ca', [`@cert-authority [127.0.0.1]:* ${sshd.hostKeyLine}`]);
      const err = await failure({ hostKey: { kind: 'knownHosts', file } });
      expect(err.message).toMatch(/only @cert-authority entries .* not supported/);
    });

    it('connects without checking when insecure, and says so', async () => {
      const events: RunEvent[] = [];
      expect(await connectsWith({ name: 'box2', hostKey: { kind: 'insecure' } }, events)).toEqual({ insecure: true, whoami: 'root\n' });
      expect(events).toContainEqual({ kind: 'warning', host: 'box2', message: 'host key not checked (insecureAcceptAnyHostKey: true in hosts.yaml)' });
    });
  });

  describe('auth', () => {
    it('names the user when authentication fails', async () => {
      const err = await failure({ name: 'box3', user: 'nobody' });
      expect(err.message).toBe('host box3: authentication failed for user nobody (tried: publickey)');
    });

    it('refuses a key the server does not know', async () => {
      const err = await failure({ auth: { kind: 'key', identityFile: join(scratch, 'other') } });
      expect(err.message).toContain('authentication failed for user root');
    });

    it('authenticates through a real ssh-agent', async () => {
      const socket = join(scratch, 'agent.sock');
      const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        await once(agent.stdout!, 'data'); // it prints its environment once the socket listens
        execFileSync('ssh-add', ['-q', sshd.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
        expect((await connectsWith({ auth: { kind: 'agent', socket } })).whoami).toBe('root\n');
      } finally {
        agent.kill();
      }
    });

    it('names a missing identity file', async () => {
      const file = join(scratch, 'no-such-key');
      const err = await failure({ name: 'box4', auth: { kind: 'key', identityFile: file } });
      expect(err.message).toBe(`host box4: identity file ${file} not found`);
    });

    it('asks for a passphrase for an encrypted key, and names a wrong one', async () => {
      const file = join(scratch, 'locked');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'right', '-C', '', '-f', file]);
      expect((await failure({ auth: { kind: 'key', identityFile: file } })).message).toContain(`identity file ${file} is encrypted`);
      process.env['SMOKE_TEST_PASSPHRASE'] = 'wrong';
      try {
        const err = await failure({ auth: { kind: 'key', identityFile: file, passphraseEnv: 'SMOKE_TEST_PASSPHRASE' } });
        expect(err.message).toContain('could not be decrypted with the passphrase from SMOKE_TEST_PASSPHRASE');
      } finally {
        delete process.env['SMOKE_TEST_PASSPHRASE'];
      }
    });

    it('uses a passphrase from the named variable', async () => {
      const file = join(scratch, 'authorized-locked');
      copyFileSync(sshd.clientKeyPath, file);
      execFileSync('ssh-keygen', ['-q', '-p', '-N', 'right', '-f', file]);
      process.env['SMOKE_TEST_PASSPHRASE'] = 'right';
      try {
        const result = await connectsWith({ auth: { kind: 'key', identityFile: file, passphraseEnv: 'SMOKE_TEST_PASSPHRASE' } });
        expect(result.whoami).toBe('root\n');
      } finally {
        delete process.env['SMOKE_TEST_PASSPHRASE'];
      }
    });

    it('with no key named, skips an encrypted key file with a warning and logs in with the next, as ssh tries its defaults', async () => {
      const locked = join(scratch, 'default-locked');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-C', '', '-f', locked]);
      const events: RunEvent[] = [];
      const auth = { kind: 'openssh' as const, identityFiles: [locked, sshd.clientKeyPath] };
      expect((await connectsWith({ name: 'box9', auth }, events)).whoami).toBe('root\n');
      expect(events).toContainEqual({
        kind: 'warning',
        host: 'box9',
        message: `identity file ${locked} skipped: it is encrypted (name it with identityFile and passphraseEnv)`,
      });
      const refused = await failure({ name: 'box9', auth: { kind: 'openssh', identityFiles: [join(scratch, 'other')] } });
      expect(refused.message).toBe(`host box9: authentication failed for user root (tried: publickey (${join(scratch, 'other')}))`);
    });

    it('warns when the key file is readable by others', async () => {
      const file = join(scratch, 'loose');
      copyFileSync(sshd.clientKeyPath, file);
      chmodSync(file, 0o644);
      const events: RunEvent[] = [];
      await connectsWith({ name: 'box5', auth: { kind: 'key', identityFile: file } }, events);
      expect(events).toContainEqual({
        kind: 'warning',
        host: 'box5',
        message: `identity file ${file} is readable by others (mode 644); chmod 600 it`,
      });
    });
  });

  describe('unreachable hosts', () => {
    it('names the address when nothing listens on the port', async () => {
      const server = await listen(() => undefined);
      const port = (server.address() as { port: number }).port;
      await new Promise((resolve) => server.close(resolve)); // now nothing listens there
      const err = await failure({ name: 'box6', port });
      expect(err.message).toBe(`host box6: connection refused at 127.0.0.1:${port}`);
    });

    it('gives up on a TCP server that never speaks SSH within the connect timeout', async () => {
      const server = await listen(() => undefined); // accepts and stays silent
      try {
        const port = (server.address() as { port: number }).port;
        const err = await failure({ name: 'box7', port, timeouts: { connectMs: 1_000, uploadMs: 1_000, commandMs: 1_000 } });
        expect(err.message).toBe(`host box7: no SSH answer within 1 s from 127.0.0.1:${port}`);
      } finally {
        server.close();
      }
    });

    it('names a host name that does not resolve', async () => {
      const err = await failure({ name: 'box8', address: 'no-such-host.invalid' });
      expect(err.message).toMatch(/^host box8: cannot resolve no-such-host\.invalid/);
    });
  });
});

function listen(onConnection: () => void): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(onConnection);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
