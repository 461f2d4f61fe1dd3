import type { Remote } from '../hosts/remote.ts';
import { parseSweepLines, type Shell, type SweepScope, type SweptProcess } from '../shells/shell.ts';
import { runChecked } from '../hosts/run-on-host.ts';

/** SIGKILL, then up to 5 s for the processes to go, on every round after the first. */
const KILL_WAIT_MS = 4 * 5000;

/** The step a failed sweep of one run is reported under. */
export const SWEEP_RUN_STEP = "stop the run's leftover processes";

/** How long a sweep may take on `remote`, waits on the host included. */
export function sweepTimeoutMs(remote: Remote, graceMs: number): number {
  return graceMs + KILL_WAIT_MS + remote.host.timeouts.commandMs;
}

/**
 * Stops every process still carrying the run's mark (`Shell.sweepMarked`), whatever its process
 * group or session. Empty when none is left, and where the dialect cannot search by mark.
 */
export async function sweepLeftovers(remote: Remote, shell: Shell, scope: SweepScope, graceMs: number): Promise<SweptProcess[]> {
  const command = shell.sweepMarked({ scope, graceMs, sudo: remote.host.sudo });
  if (command === null) return [];
  const step = 'runDir' in scope ? SWEEP_RUN_STEP : 'stop processes left by earlier runs';
  return parseSweepLines(await runChecked(remote, command, step, sweepTimeoutMs(remote, graceMs)));
}

/** `1234 (sleep 600), 1240 (node -e …)`, with the ones that survived SIGKILL said so. */
export function describeSwept(swept: readonly SweptProcess[]): string {
  const shown = swept.slice(0, 5).map((p) => `${p.pid} (${p.command.length > 120 ? `${p.command.slice(0, 120)} …` : p.command || '?'})${p.survived ? ' survived SIGKILL' : ''}`);
  const more = swept.length > 5 ? ` and ${swept.length - 5} more` : '';
  return `${shown.join(', ')}${more}`;
}

/** What a probe whose program left processes behind says, e.g. "left 1 process running …: …; killed". */
export function leftoversNote(what: string, swept: readonly SweptProcess[]): string {
  const n = swept.length === 1 ? '1 process' : `${swept.length} processes`;
  const survivors = swept.filter((p) => p.survived).length;
  const end = survivors === 0 ? 'killed' : `${survivors} still running`;
  return `${what} left ${n} running outside its process group: ${describeSwept(swept)}; ${end}`;
}
