/** The outcome of one check. `fail` means the artifact is broken; `error` means we could not tell. */
export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped';

/** A platform's or a run's outcome. */
export type Verdict = 'pass' | 'fail' | 'error';

/** The checks of one platform, in the order they run. Extra probes follow by their configured names. */
export const CHECK_ORDER = ['asset', 'checksum', 'archive', 'upload', 'version', 'boot'] as const;
export type CheckName = (typeof CHECK_ORDER)[number] | string;

export interface CheckResult {
  name: CheckName;
  status: CheckStatus;
  /** One line a person can act on. */
  detail: string;
  /** Whole milliseconds. */
  durationMs: number;
  /** Evidence: a log excerpt or command output, already capped. Comes from a host: never trusted. */
  excerpt?: string;
  /** When the check started, in whole milliseconds from the run's start: the report's timeline. */
  startMs?: number;
}

export interface PlatformResult {
  platform: string;
  host: string | null;
  asset: string | null;
  sha256: string | null;
  verdict: Verdict;
  checks: CheckResult[];
  /** True when the host was reached without verifying its key (it said so in hosts.yaml). */
  insecureHostKey?: boolean;
}

export function checkResult(
  name: CheckName,
  status: CheckStatus,
  detail: string,
  durationMs = 0,
  excerpt?: string,
): CheckResult {
  const ms = Math.round(durationMs);
  return excerpt === undefined ? { name, status, detail, durationMs: ms } : { name, status, detail, durationMs: ms, excerpt };
}
