import type { CheckName, CheckResult, PlatformResult, Verdict } from './verdict.ts';
import { checkResult } from './verdict.ts';

/**
 * A platform passes only when every check ran and passed. Any `fail` is a broken artifact;
 * anything else (an error, a skip, no checks at all) means we could not tell.
 */
export function platformVerdict(checks: readonly CheckResult[]): Verdict {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.length > 0 && checks.every((c) => c.status === 'pass')) return 'pass';
  return 'error';
}

/**
 * A run passes only when every expected platform was tested and passed: a platform that is
 * missing from the results is an `error`, never a silent pass. Any failed platform fails the run.
 */
export function runVerdict(platforms: readonly PlatformResult[], expected: readonly string[]): Verdict {
  if (platforms.some((p) => p.verdict === 'fail')) return 'fail';
  if (platforms.length === 0 && expected.length === 0) return 'error';
  const passed = new Set(platforms.filter((p) => p.verdict === 'pass').map((p) => p.platform));
  const allPresentPassed = platforms.every((p) => p.verdict === 'pass');
  const allExpectedPassed = expected.every((id) => passed.has(id));
  return allPresentPassed && allExpectedPassed ? 'pass' : 'error';
}

/** Expected platforms with no result: the report names them so a gap is never silent. */
export function missingPlatforms(platforms: readonly PlatformResult[], expected: readonly string[]): string[] {
  const present = new Set(platforms.map((p) => p.platform));
  return expected.filter((id) => !present.has(id));
}

/** The check names that come after `name` in `order` (empty when `name` is last or unknown). */
export function checksAfter(name: CheckName, order: readonly CheckName[]): CheckName[] {
  const index = order.indexOf(name);
  return index === -1 ? [] : order.slice(index + 1);
}

/**
 * `skipped` results for checks that cannot run because `cause` failed or errored, each saying
 * why ("skipped: archive failed"), so the matrix shows every column and the reason.
 */
export function skipAfter(cause: CheckResult, remaining: readonly CheckName[]): CheckResult[] {
  const why = cause.status === 'fail' ? 'failed' : cause.status === 'error' ? 'errored' : 'was skipped';
  return remaining.map((name) => checkResult(name, 'skipped', `skipped: ${cause.name} ${why}`));
}
