import type { CheckStatus, PlatformResult, Verdict } from '../domain/verdict.ts';
import { missingPlatforms } from '../domain/verdict-rules.ts';
import { stripControlChars, truncateEnd } from '../domain/text-safety.ts';

import { MAX_STATUS_DESCRIPTION } from '../github/commit-statuses.ts';

export { MAX_STATUS_DESCRIPTION };

export type CommitState = 'success' | 'failure' | 'error' | 'pending';

export function commitState(verdict: Verdict): Exclude<CommitState, 'pending'> {
  return verdict === 'pass' ? 'success' : verdict === 'fail' ? 'failure' : 'error';
}

/**
 * One line saying what happened, the most serious outcome first:
 * "4/4 platforms passed", "darwin/arm64: boot failed",
 * "2 platforms failed: darwin/arm64 boot, linux/arm64 version",
 * "linux/amd64: host unreachable (error)". Expected platforms with no result count as errors.
 */
export function statusDescription(platforms: readonly PlatformResult[], expected: readonly string[] = []): string {
  const missing = missingPlatforms(platforms, expected);
  const failed = platforms.filter((p) => p.verdict === 'fail').map((p) => ({ platform: p.platform, check: first(p, 'fail') }));
  const errored = [
    ...platforms.filter((p) => p.verdict === 'error').map((p) => ({ platform: p.platform, check: first(p, 'error') })),
    ...missing.map((platform) => ({ platform, check: undefined })),
  ];
  return clean(describe(failed, errored, platforms.length + missing.length));
}

/**
 * The status of a finished run whose result found no room in the draft's body starts so, with
 * the length of the release notes that filled it: `gate` closes with it, and `watch` tests the
 * draft again only once the notes are shorter or an asset changed.
 */
const NO_ROOM = /^not in the release body \(no room; notes (\d+) characters\): /;

/** The status of a result that is not in the body: `error` for a pass (the gate cannot open on it), as it was otherwise. */
export function noRoomStatus(
  verdict: Verdict,
  description: string,
  notesChars: number,
): { state: Exclude<CommitState, 'pending'>; description: string } {
  return {
    state: verdict === 'pass' ? 'error' : commitState(verdict),
    description: truncateEnd(`not in the release body (no room; notes ${notesChars} characters): ${description}`, MAX_STATUS_DESCRIPTION),
  };
}

/** From a status `noRoomStatus` wrote: the notes' length then and what the run found; null for any other. */
export function parseNoRoom(description: string | null | undefined): { notesChars: number; result: string } | null {
  const m = NO_ROOM.exec(description ?? '');
  return m ? { notesChars: Number(m[1]), result: description!.slice(m[0].length) } : null;
}

/** The description while a run is under way. */
export function runningDescription(platformCount: number): string {
  return `testing ${platformCount} platform${platformCount === 1 ? '' : 's'}`;
}

interface Problem {
  platform: string;
  check: { name: string; detail: string } | undefined;
}

function describe(failed: Problem[], errored: Problem[], total: number): string {
  if (total === 0) return 'no platforms tested (error)';
  if (failed.length === 0 && errored.length === 0) return `${total}/${total} platforms passed`;
  const [onlyFailed] = failed;
  if (failed.length === 1 && errored.length === 0 && onlyFailed) {
    return `${onlyFailed.platform}: ${onlyFailed.check?.name ?? 'check'} failed`;
  }
  const [onlyErrored] = errored;
  if (failed.length === 0 && errored.length === 1 && onlyErrored) {
    const why = onlyErrored.check ? onlyErrored.check.detail || onlyErrored.check.name : 'not tested';
    return `${onlyErrored.platform}: ${why} (error)`;
  }
  const parts: string[] = [];
  if (failed.length > 0) parts.push(`${count(failed.length)} failed: ${list(failed)}`);
  if (errored.length > 0) {
    parts.push(`${failed.length > 0 ? errored.length : count(errored.length)} errored: ${list(errored)}`);
  }
  return parts.join('; ');
}

/** The check to blame: the first with `status`, else the first that did not pass. */
function first(platform: PlatformResult, status: CheckStatus): Problem['check'] {
  return platform.checks.find((c) => c.status === status) ?? platform.checks.find((c) => c.status !== 'pass');
}

function count(n: number): string {
  return `${n} platform${n === 1 ? '' : 's'}`;
}

function list(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.platform} ${p.check?.name ?? 'not tested'}`).join(', ');
}

/** Host text can carry newlines or control characters; a status is one short plain line. */
function clean(text: string): string {
  return truncateEnd(stripControlChars(text).replace(/\s+/g, ' ').trim(), MAX_STATUS_DESCRIPTION);
}
