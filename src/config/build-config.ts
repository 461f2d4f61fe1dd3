import type { PlatformId } from '../domain/platform.ts';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_INSPECT,
  DEFAULT_PLATFORMS,
  DEFAULT_RELEASE,
  DEFAULT_RETRIES,
  DEFAULT_STATUS_CONTEXT,
  DEFAULT_TIMEOUTS,
  defaultProbes,
} from './defaults.ts';
import { mergeProbes } from './merge-probes.ts';
import type { RawConfig, RawHost, RawRelease } from './schema.ts';
import type { ResolvedSshHost } from './resolve-ssh-hosts.ts';
import type { HostConfig, PlatformRules, ReleaseRules, RepositoryConfig, SmokeConfig } from './types.ts';
import type { Locate } from './yaml-locator.ts';

export interface BuildContext {
  /** Absolute path of hosts.yaml. */
  file: string;
  configDir: string;
  env: NodeJS.ProcessEnv;
  expected: readonly PlatformId[];
  locate: Locate;
  /** Each host's SSH settings with ssh_config and ssh's defaults applied, in hosts order. */
  ssh: readonly (ResolvedSshHost | null)[];
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
    const ssh = ctx.ssh[i];
    const reach = ssh ? { ...ssh.endpoint, ...(ssh.jumps.length > 0 ? { jumps: ssh.jumps } : {}) } : { transport: 'local' as const };
    return {
      name: host.name,
      platform,
      ...reach,
      shell,
      ...(host.workdir === undefined ? {} : { workdir: host.workdir }),
      sudo: host.sudo ?? false,
      launcher: host.launcher ?? [],
      probes: mergeProbes(mergeProbes(probes, raw.platforms?.[platform]?.probes), host.probes),
      timeouts: mergeTimeouts(timeouts, host.timeouts),
      source: { file: ctx.file, line: where.line, col: where.col },
    };
  });
  const release = mergeRelease(DEFAULT_RELEASE, raw.release);
  const statusContext = raw.status?.context ?? DEFAULT_STATUS_CONTEXT;
  const repositories = (raw.repositories ?? []).map((entry, i): RepositoryConfig => {
    const where = ctx.locate(['repositories', i]);
    return {
      repo: entry.repo,
      release: mergeRelease(release, entry.release),
      statusContext: entry.status?.context ?? statusContext,
      platforms: ctx.expected.filter((p) => entry.platforms === undefined || entry.platforms.includes(p)),
      source: { file: ctx.file, line: where.line, col: where.col },
    };
  });
  return {
    file: ctx.file,
    ...(raw.repo === undefined ? {} : { repo: raw.repo }),
    repositories,
    release,
    platforms,
    inspect: { ...DEFAULT_INSPECT, ...raw.inspect },
    hosts,
    concurrency: raw.concurrency ?? DEFAULT_CONCURRENCY,
    retries: raw.retries ?? DEFAULT_RETRIES,
    statusContext,
  };
}

/** A layer of release rules over `base`, key by key (cgoEnabled OS by OS; a list replaces the list). */
function mergeRelease(base: Readonly<ReleaseRules>, layer: RawRelease | undefined): ReleaseRules {
  return {
    ...base,
    ...layer,
    cgoEnabled: { ...base.cgoEnabled, ...layer?.cgoEnabled },
    entitlements: [...(layer?.entitlements ?? base.entitlements)],
  };
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
