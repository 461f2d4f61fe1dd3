import type { EventSink } from '../domain/events.ts';
import type { CheckName, CheckResult } from '../domain/verdict.ts';
import type { Remote } from '../hosts/remote.ts';
import type { Shell } from '../shells/shell.ts';
import type { FetchedPlatform } from '../stages/fetch-assets.ts';
import type { PlatformJob, PlanSetup } from './platform-job.ts';

/**
 * What a check needs before it can run. A check whose needs are not met is `skipped`, naming
 * the earlier check that did not pass.
 * - `verified-archive`: the archive is on this machine and passed `checksum`.
 * - `binary-on-host`: `upload` put the binary in a fresh run directory on the host.
 */
export type CheckNeed = 'verified-archive' | 'binary-on-host';

/** What every check gets, wherever it runs. */
export interface CommonDeps {
  onEvent: EventSink;
  /** A cancelled run starts no new check. */
  signal?: AbortSignal;
  /** What the fetch stage verified for this platform. */
  download: FetchedPlatform;
  /** What earlier checks found that later ones compare with; filled as the plan runs. */
  found: Findings;
}

/** Set by `archive`: the SHA-256 of the binary entry it judged (the host's extracted file must match). */
export interface Findings {
  binarySha256: string | null;
}

/** The host a job's host checks share: one connection, one run directory. */
export interface HostSession {
  remote: Remote;
  shell: Shell;
  /** The same connection, opened again if it dropped. */
  reconnect: () => Promise<Remote>;
  /** Set by `upload`: the run directory (also when upload failed, for cleanup) and the binary in it. */
  runDir: string | null;
  binaryPath: string | null;
}

/** Judged by the fetch stage as the bytes came in: the check reads that verdict. */
export interface DownloadCheck {
  name: CheckName;
  where: 'download';
  needs: readonly CheckNeed[];
  run(job: PlatformJob, deps: CommonDeps): Promise<CheckResult>;
}

/** Runs on this machine, before any host sees a byte. */
export interface HereCheck {
  name: CheckName;
  where: 'here';
  needs: readonly CheckNeed[];
  run(job: PlatformJob, deps: CommonDeps): Promise<CheckResult>;
}

/** Runs on the platform's host, after the here checks passed. */
export interface HostCheck {
  name: CheckName;
  where: 'host';
  needs: readonly CheckNeed[];
  run(job: PlatformJob, deps: CommonDeps & { host: HostSession }): Promise<CheckResult>;
}

/** One check of a platform's plan. Adding one: a file implementing this, and one line in `plan.ts`. */
export type Check = DownloadCheck | HereCheck | HostCheck;

/**
 * An entry of the plan's definition: a check, or a family of checks the config spells out (the
 * extra probes). `applies` leaves a check out of a platform's plan (the darwin-only signature).
 */
export type PlanItem = (Check & { applies?: (setup: PlanSetup) => boolean }) | ((setup: PlanSetup) => Check[]);
