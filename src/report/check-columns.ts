import type { CheckName, CheckResult, PlatformResult } from '../domain/verdict.ts';

/**
 * The matrix columns: the run's plan, in run order, so a check that never ran shows as a gap.
 * A result outside the plan (`cleanup`, only when a host was left dirty) follows it.
 */
export function checkColumns(plan: readonly CheckName[], platforms: readonly PlatformResult[]): CheckName[] {
  const columns: CheckName[] = [...plan];
  const seen = new Set<string>(columns);
  for (const platform of platforms) {
    for (const check of platform.checks) {
      if (seen.has(check.name)) continue;
      seen.add(check.name);
      columns.push(check.name);
    }
  }
  return columns;
}

/** A platform's result for one column; the first one wins if a check name repeats. */
export function findCheck(platform: PlatformResult, name: CheckName): CheckResult | undefined {
  return platform.checks.find((c) => c.name === name);
}
