import type { Remote } from '../hosts/remote.ts';
import type { Shell } from '../shells/shell.ts';
import { cleanupHost, findLeftoverRuns, type CleanupReport, type LeftoverRun } from '../stages/cleanup-host.ts';

export interface LeftoversReport {
  /** What was found, each with what cleaning it did. */
  runs: { run: LeftoverRun; cleanup: CleanupReport }[];
  /** Run directories still there after cleaning (found again by a second look). */
  remaining: LeftoverRun[];
  problems: string[];
}

/**
 * Stops and removes every run directory earlier runs left under the host's workdir, then looks
 * again: a host counts as clean only when the second look finds nothing.
 */
export async function cleanLeftovers(remote: Remote, shell: Shell): Promise<LeftoversReport> {
  const workdir = remote.host.workdir;
  const graceMs = remote.host.probes.boot.stopGraceMs;
  const runs: LeftoversReport['runs'] = [];
  for (const run of await findLeftoverRuns(remote, shell, workdir)) {
    runs.push({ run, cleanup: await cleanupHost(remote, shell, { runDir: run.runDir, keep: false, graceMs }) });
  }
  const remaining = runs.length === 0 ? [] : await findLeftoverRuns(remote, shell, workdir);
  const problems = runs.flatMap((r) => r.cleanup.problems);
  for (const left of remaining) {
    if (!runs.some((r) => r.run.runDir === left.runDir && r.cleanup.problems.length > 0)) {
      problems.push(`${left.runDir} is still there after cleaning`);
    }
  }
  return { runs, remaining, problems };
}
