import type { PlatformId } from '../domain/platform.ts';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_INSPECT,
  DEFAULT_PLATFORMS,
  DEFAULT_RELEASE,
  DEFAULT_RETRIES,
  DEFAULT_SSH_PORT,
  DEFAULT_STATUS_CONTEXT,
  DEFAULT_TIMEOUTS,
  defaultProbes,
} from './defaults.ts';
import { mergeProbes } from './merge-probes.ts';
import { resolveLocalPath } from './resolve-path.ts';
import type { RawConfig, RawHost } from './schema.ts';
import type { HostAuth, HostConfig, HostKeyPolicy, PlatformRules, SmokeConfig } from './types.ts';
import type { Locate } from './yaml-locator.ts';

export interface BuildContext {
  /** Absolute path of hosts.yaml. */
  file: string;
  configDir: string;
  env: NodeJS.ProcessEnv;
  expected: readonly PlatformId[];
  locate: Locate;
}

/** Fills in defaults and merges layers. Expects a config that passed every check. */
export function buildConfig(raw: RawConfig, ctx: BuildContext): SmokeConfig {
  const platforms = new Map<PlatformId, PlatformRules>();
  for (const id of ctx.expected) {
    const floor = raw.platforms?.[id]?.minBinaryBytes ?? DEFAULT_PLATFORMS.get(id)?.minBinaryBytes ?? 0;
    platforms.set(id, { minBinaryBytes: floor });
  }
  const probes = mergeProbes(defaultProbes(), raw.probes);
  const timeouts = mergeTimeouts(DEFAULT_TIMEOUTS, raw.timeouts);
  const hosts = raw.hosts.map((host, i): HostConfig => {
    const platform = host.platform as PlatformId;
    const shell = host.shell ?? (platform.startsWith('windows/') ? 'powershell' : 'posix');
    const where = ctx.locate(['hosts', i]);
    return {
      name: host.name,
      platform,
      address: host.address,
      port: host.port ?? DEFAULT_SSH_PORT,
      user: host.user,
      auth: hostAuth(host, ctx),
      hostKey: hostKeyPolicy(host, ctx),
      shell,
      ...(host.workdir === undefined ? {} : { workdir: host.workdir }),
      sudo: host.sudo ?? false,
      launcher: host.launcher ?? [],
      probes: mergeProbes(mergeProbes(probes, raw.platforms?.[platform]?.probes), host.probes),
      timeouts: mergeTimeouts(timeouts, host.timeouts),
      source: { file: ctx.file, line: where.line, col: where.col },
    };
  });
  return {
    file: ctx.file,
    ...(raw.repo === undefined ? {} : { repo: raw.repo }),
    release: {
      ...DEFAULT_RELEASE,
      ...raw.release,
      cgoEnabled: { ...DEFAULT_RELEASE.cgoEnabled, ...raw.release?.cgoEnabled },
      entitlements: [...(raw.release?.entitlements ?? DEFAULT_RELEASE.entitlements)],
    },
    platforms,
    inspect: { ...DEFAULT_INSPECT, ...raw.inspect },
    hosts,
    concurrency: raw.concurrency ?? DEFAULT_CONCURRENCY,
    retries: raw.retries ?? DEFAULT_RETRIES,
    statusContext: raw.status?.context ?? DEFAULT_STATUS_CONTEXT,
  };
}

function hostAuth(host: RawHost, ctx: BuildContext): HostAuth {
  if (host.identityFile !== undefined) {
    const identityFile = resolveLocalPath(host.identityFile, ctx.configDir, ctx.env);
    return host.passphraseEnv === undefined ? { kind: 'key', identityFile } : { kind: 'key', identityFile, passphraseEnv: host.passphraseEnv };
  }
  const socket = typeof host.agent === 'string' ? resolveLocalPath(host.agent, ctx.configDir, ctx.env) : ctx.env.SSH_AUTH_SOCK;
  return socket === undefined ? { kind: 'agent' } : { kind: 'agent', socket };
}

function hostKeyPolicy(host: RawHost, ctx: BuildContext): HostKeyPolicy {
  if (host.hostKey !== undefined) return { kind: 'pinned', line: host.hostKey.trim() };
  if (host.knownHosts !== undefined) return { kind: 'knownHosts', file: resolveLocalPath(host.knownHosts, ctx.configDir, ctx.env) };
  return { kind: 'insecure' };
}

type Timeouts = HostConfig['timeouts'];

function mergeTimeouts(base: Readonly<Timeouts>, layer: RawHost['timeouts']): Timeouts {
  const ms = (s: number | undefined, fallback: number): number => (s === undefined ? fallback : Math.round(s * 1000));
  return {
    connectMs: ms(layer?.connectSeconds, base.connectMs),
    uploadMs: ms(layer?.uploadSeconds, base.uploadMs),
    commandMs: ms(layer?.commandSeconds, base.commandMs),
  };
}
