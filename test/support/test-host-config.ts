import type { ProbeSettings, SshHostConfig as HostConfig } from '../../src/config/types.ts';
import { standInLauncher } from '../../src/sandbox/stand-in/launcher.ts';

/** Probe settings small enough for tests; a test overrides what it exercises. */
export function defaultTestProbes(): ProbeSettings {
  return {
    version: { enabled: true, timeoutMs: 10_000 },
    boot: {
      mode: 'serve',
      timeoutMs: 15_000,
      readyPattern: 'ready',
      failPatterns: ['panic:', 'fatal error:'],
      healthz: false,
      port: 0,
      stopGraceMs: 2_000,
    },
    extra: [],
  };
}

/** A HostConfig that reaches a test sshd with its generated client key and pinned host key. */
export function hostConfigFor(
  sshd: { host: string; port: number; user: string; clientKeyPath: string; hostKeyLine: string },
  overrides: Partial<HostConfig> = {},
): HostConfig {
  return {
    name: `test-${sshd.port}`,
    platform: 'linux/amd64',
    address: sshd.host,
    port: sshd.port,
    user: sshd.user,
    auth: { kind: 'key', identityFile: sshd.clientKeyPath },
    hostKey: { kind: 'pinned', line: sshd.hostKeyLine },
    shell: 'posix',
    sudo: false,
    launcher: [],
    probes: defaultTestProbes(),
    timeouts: { connectMs: 10_000, uploadMs: 60_000, commandMs: 30_000 },
    source: { file: 'test/support/test-host-config.ts', line: 1, col: 1 },
    ...overrides,
  };
}

/**
 * A hosts.yaml `hosts:` entry reaching a test sshd with its client key and pinned host key, its
 * binaries run through the stand-in's launcher; `entry` adds name, platform, workdir and the rest.
 */
export function yamlHostFor(
  sshd: { host: string; port: number; user: string; clientKeyPath: string; hostKeyLine: string },
  entry: Record<string, unknown>,
): Record<string, unknown> {
  return { address: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.clientKeyPath, hostKey: sshd.hostKeyLine, launcher: standInLauncher(), ...entry };
}
