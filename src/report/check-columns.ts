import type { CheckName, CheckResult, PlatformResult } from '../domain/verdict.ts';
import { CHECK_ORDER } from '../domain/verdict.ts';

/**
 * The matrix columns: the built-in checks in run order, then extra probes in the order they
 * first appear. Built-in columns always show, so a check that never ran is visible as a gap.
 */
export function checkColumns(platforms: readonly PlatformResult[]): CheckName[] {
  const columns: CheckName[] = [...CHECK_ORDER];
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
