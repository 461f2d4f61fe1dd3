import type { HostConfig, ReleaseRules, SmokeConfig } from '../config/types.ts';
import type { PlatformId } from '../domain/platform.ts';
import type { CheckName } from '../domain/verdict.ts';
import { archiveKind, type ArchiveKind } from '../archive/scan-archive.ts';
import type { PlatformAsset } from '../release/match-draft.ts';
import { previousArchive, type ListedRelease, type PreviousArchive } from '../release/previous-release.ts';
import type { InspectInput } from '../stages/inspect-archive.ts';
import type { Check, PlanItem } from './check.ts';
import { mergeCheckOrders } from '../domain/check-order.ts';

/** What a plan is built from: the platform, the hosts that serve it, the config. */
export interface PlanSetup {
  platform: PlatformId;
  /** In the order they are tried; the first one's probes settle which probes the plan holds. */
  hosts: readonly HostConfig[];
  config: SmokeConfig;
}

/** One platform of one run: what to test, where, and the checks in the order they run. */
export interface PlatformJob {
  platform: PlatformId;
  tag: string;
  runId: string;
  commit: string | null;
  /** The archive the draft must carry for this platform, and how the `archive` check reads it. */
  archive: { name: string; format: ArchiveKind | null; inspect: InspectInput };
  hosts: readonly HostConfig[];
  binaryName: string;
  /** What the static checks judge the binary by (version stamp, build info, cgo, entitlements, size change). */
  release: ReleaseRules;
  /** The same platform's archive in the last published release; null when none is published. */
  previous: PreviousArchive | null;
  keepOnFailure: boolean;
  /** The checks in run order: the download's, then this machine's, then the host's. */
  plan: readonly Check[];
}

export interface JobsInput {
  tag: string;
  runId: string;
  commit: string | null;
  config: SmokeConfig;
  keepOnFailure: boolean;
  /** The plan's definition: `PLAN` unless a test adds a check. */
  plan: readonly PlanItem[];
  /** The latest published release of ours (the sizes are compared with it); null when there is none. */
  published: ListedRelease | null;
}

/** The jobs of a run, one per platform of the draft, each with its plan. Pure. */
export function planJobs(platforms: readonly PlatformAsset[], input: JobsInput): PlatformJob[] {
  const { config } = input;
  return platforms.map(({ platform, expectedName }) => {
    const hosts = config.hosts.filter((h) => h.platform === platform);
    return {
      platform,
      tag: input.tag,
      runId: input.runId,
      commit: input.commit,
      archive: { name: expectedName, format: archiveKind(expectedName) ?? null, inspect: inspectInput(config, platform, expectedName) },
      hosts,
      binaryName: config.release.binaryName,
      release: config.release,
      previous: input.published ? previousArchive(input.published, config.release, platform) : null,
      keepOnFailure: input.keepOnFailure,
      plan: planChecks(input.plan, { platform, hosts, config }),
    };
  });
}

const PLACES = ['download', 'here', 'host'] as const;

/** A platform's checks from the plan's definition; checks must come download, then here, then host. */
export function planChecks(items: readonly PlanItem[], setup: PlanSetup): Check[] {
  const checks = items.flatMap((item) => (typeof item === 'function' ? item(setup) : item.applies && !item.applies(setup) ? [] : [item]));
  checks.forEach((check, i) => {
    const before = checks[i - 1];
    if (before && PLACES.indexOf(before.where) > PLACES.indexOf(check.where)) {
      throw new Error(`check plan: ${check.name} (${check.where}) cannot follow ${before.name} (${before.where})`);
    }
  });
  return checks;
}

/** The check names of several plans merged in run order: the report's columns. */
export function planColumns(plans: readonly (readonly Check[])[]): CheckName[] {
  return mergeCheckOrders(plans.map((plan) => plan.map((c) => c.name)));
}

/** The `archive` check's input, from the config: the same whether it runs during the download or after. */
function inspectInput(config: SmokeConfig, platform: PlatformId, assetName: string): InspectInput {
  return {
    assetName,
    platform,
    binaryName: config.release.binaryName,
    minBinaryBytes: config.platforms.get(platform)?.minBinaryBytes ?? 0,
    maxExtractedBytes: config.inspect.maxExtractedBytes,
  };
}
