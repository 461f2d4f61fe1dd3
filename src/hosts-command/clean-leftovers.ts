import type { Remote } from '../hosts/remote.ts';
import { describeSwept, sweepLeftovers } from '../probes/sweep-leftovers.ts';
import type { Shell, SweptProcess } from '../shells/shell.ts';
import { cleanupHost, findLeftoverRuns, type CleanupReport, type LeftoverRun } from '../stages/cleanup-host.ts';

export interface LeftoversReport {
  /** What was found, each with what cleaning it did. */
  runs: { run: LeftoverRun; cleanup: CleanupReport }[];
  /**
   * Processes of earlier runs found by their mark outside any run directory's recorded groups
   * (one that left its group, or one whose run directory is gone), and stopped.
   */
  swept: SweptProcess[];
  /** Run directories still there after cleaning (found again by a second look). */
  remaining: LeftoverRun[];
  problems: string[];
}

/**
 * Stops and removes every run directory earlier runs left under the host's workdir, stops every
 * process still marked as started by a run there, then looks again: a host counts as clean only
 * when the second look finds nothing.
 */
export async function cleanLeftovers(remote: Remote, shell: Shell): Promise<LeftoversReport> {
  const workdir = remote.host.workdir;
  const graceMs = remote.host.probes.boot.stopGraceMs;
  const runs: LeftoversReport['runs'] = [];
  for (const run of await findLeftoverRuns(remote, shell, workdir)) {
    runs.push({ run, cleanup: await cleanupHost(remote, shell, { runDir: run.runDir, keep: false, graceMs }) });
  }
  const remaining = runs.length === 0 ? [] : await findLeftoverRuns(remote, shell, workdir);
  const swept = await sweepLeftovers(remote, shell, { workdir }, graceMs);
  const problems = runs.flatMap((r) => r.cleanup.problems);
  const survivors = swept.filter((p) => p.survived);
  if (survivors.length > 0) problems.push(`processes of earlier runs still running: ${describeSwept(survivors)}`);
  for (const left of remaining) {
    if (!runs.some((r) => r.run.runDir === left.runDir && r.cleanup.problems.length > 0)) {
      problems.push(`${left.runDir} is still there after cleaning`);
    }
  }
  return { runs, swept, remaining, problems };
}
