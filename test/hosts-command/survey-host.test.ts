import { describe, expect, it } from 'vitest';
import { judgeHost } from '../../src/hosts-command/survey-host.ts';
import { parseHostFacts } from '../../src/shells/host-facts.ts';
import { hostConfigFor } from '../support/test-host-config.ts';

const host = (overrides = {}) =>
  hostConfigFor({ host: '127.0.0.1', port: 2222, user: 'smoke', clientKeyPath: '/k', hostKeyLine: 'ssh-ed25519 AAAA' }, { name: 'h', ...overrides });

describe('parseHostFacts', () => {
  it('maps what uname and Windows print to our words', () => {
    expect(parseHostFacts('os Linux\narch x86_64\nworkdir ok\nfreeKiB 2048\n')).toEqual({ os: 'linux', arch: 'amd64', workdir: 'ok', freeBytes: 2 * 1024 * 1024 });
    expect(parseHostFacts('os Darwin\narch arm64\nworkdir read-only\nprogram no\n')).toEqual({ os: 'darwin', arch: 'arm64', workdir: 'read-only', program: false });
    expect(parseHostFacts('os Win32NT\r\narch AMD64\r\nworkdir missing\r\n')).toEqual({ os: 'windows', arch: 'amd64', workdir: 'missing' });
    expect(parseHostFacts('os Linux\narch aarch64\n')).toMatchObject({ arch: 'arm64', workdir: 'unknown' });
  });

  it('keeps an unknown answer visible instead of guessing', () => {
    expect(parseHostFacts('os FreeBSD\narch armv7l\nfreeKiB ?\n')).toEqual({ os: 'freebsd', arch: 'armv7l', workdir: 'unknown' });
    expect(parseHostFacts('motd noise\n')).toMatchObject({ os: 'unknown', arch: 'unknown' });
  });
});

describe('judgeHost', () => {
  const facts = { os: 'linux', arch: 'amd64', workdir: 'ok' as const, freeBytes: 10 };
  const noSudo = { sudo: undefined, insecureHostKey: false };

  it('lists every reason a host cannot be used', () => {
    const check = judgeHost(host({ platform: 'linux/arm64', sudo: true, workdir: '/w' }), { ...facts, workdir: 'read-only' }, { sudo: { works: false, why: 'sudo: a password is required' }, insecureHostKey: true });
    expect(check).toMatchObject({ usable: false, sudo: 'fails', hostKey: 'INSECURE', reported: 'linux/amd64' });
    expect(check.problems).toEqual(['reports linux/amd64', 'workdir /w is not writable by smoke', 'sudo -n fails: sudo: a password is required']);
  });

  it('accepts another platform through a launcher, but only if the launcher is there', () => {
    const emulated = host({ platform: 'linux/arm64', launcher: ['qemu-aarch64-static'] });
    expect(judgeHost(emulated, { ...facts, program: true }, noSudo)).toMatchObject({ usable: true, notes: ['emulated via qemu-aarch64-static'] });
    expect(judgeHost(emulated, { ...facts, program: false }, noSudo).problems).toEqual(["launcher qemu-aarch64-static is not on the host's PATH"]);
  });

  it('passes a matching host with working sudo', () => {
    expect(judgeHost(host({ sudo: true }), facts, { sudo: { works: true }, insecureHostKey: false })).toEqual({
      host: 'h', platform: 'linux/amd64', reported: 'linux/amd64', freeBytes: 10, sudo: 'works', hostKey: 'verified', usable: true, problems: [], notes: [],
    });
  });
});
