import { HostError } from '../domain/errors.ts';
import type { Remote } from '../hosts/remote.ts';
import { firstLine, runChecked, runOnHost } from '../hosts/run-on-host.ts';
import { describeSwept } from '../probes/sweep-leftovers.ts';
import { CLEAN_NOT_REMOVED, CLEAN_REFUSED, parseStopLines, parseSweepLines, STOP_LINE, SWEEP_LINE, type Shell, type StopReport, type SweptProcess } from '../shells/shell.ts';

export interface CleanupInput {
  runDir: string | null;
  /** Pid files outside the run directory; every `pids/*.pid` inside it is stopped anyway. */
  pidFiles?: string[];
  /** Keep the run directory (`--keep` for debugging); processes are stopped all the same. */
  keep: boolean;
  graceMs?: number;
}

export interface CleanupReport {
  stopped: StopReport[];
  /** Processes that carried the run's mark outside any recorded group, found and stopped. */
  swept: SweptProcess[];
  removed: boolean;
  /** What is left on the host that a person should look at. Empty when the host is clean. */
  problems: string[];
}

/**
 * Leaves the host as it was: stops every recorded process group, checks none is left, and
 * removes the run directory. Runs after failures and timeouts too; a dropped connection
 * surfaces as HostError so the caller can reconnect and call it again.
 */
export async function cleanupHost(remote: Remote, shell: Shell, input: CleanupInput): Promise<CleanupReport> {
  const sudo = remote.host.sudo;
  const graceMs = input.graceMs ?? 5000;
  const timeoutMs = graceMs * 2 + remote.host.timeouts.commandMs;
  const stopped: StopReport[] = [];
  if (input.pidFiles && input.pidFiles.length > 0) {
    stopped.push(...parseStopLines(await runChecked(remote, shell.stopGroups({ pidFiles: input.pidFiles, graceMs, sudo }), 'stop recorded processes', timeoutMs)));
  }
  const run = input.runDir ? await cleanRunDir(remote, shell, { runDir: input.runDir, graceMs, sudo, remove: !input.keep }, timeoutMs) : undefined;
  stopped.push(...(run?.stopped ?? []));
  const swept = run?.swept ?? [];
  const problems = stopped.filter((s) => s.outcome === 'survived').map((s) => `process group ${s.pid} (${s.pidFile}) survived SIGKILL on ${remote.host.name}`);
  const survivors = swept.filter((p) => p.survived);
  if (survivors.length > 0) problems.push(`left processes still running on ${remote.host.name}: ${describeSwept(survivors)}`);
  if (run?.notRemoved) problems.push(`could not remove ${input.runDir} on ${remote.host.name}: ${run.notRemoved}`);
  return { stopped, swept, removed: run?.removed ?? false, problems };
}

/** One exec stops the run's groups and removes its directory; only the removal may fail softly. */
async function cleanRunDir(
  remote: Remote,
  shell: Shell,
  options: Parameters<Shell['cleanRun']>[0],
  stopMs: number,
): Promise<{ stopped: StopReport[]; swept: SweptProcess[]; removed: boolean; notRemoved?: string }> {
  const step = options.remove ? "stop the run's processes and remove the run directory" : "stop the run's processes";
  const res = await runOnHost(remote, shell.cleanRun(options), step, { timeoutMs: stopMs + remote.host.timeouts.commandMs, maxOutputBytes: 64 * 1024 });
  const soft = res.exitCode === CLEAN_REFUSED || res.exitCode === CLEAN_NOT_REMOVED;
  if (res.exitCode !== 0 && !soft) {
    const why = firstLine(res.stderr) || firstLine(res.stdout) || `exit code ${String(res.exitCode)}`;
    throw new HostError(remote.host.name, `stop the run's processes: ${why}`);
  }
  const stopped = parseStopLines(res.stdout);
  const swept = parseSweepLines(res.stdout);
  if (!soft) return { stopped, swept, removed: options.remove };
  const otherOutput = res.stdout.split(/\r?\n/).filter((l) => !STOP_LINE.test(l) && !SWEEP_LINE.test(l)).join('\n');
  return { stopped, swept, removed: false, notRemoved: (res.stderr || otherOutput).trim().slice(0, 300) };
}

export interface LeftoverRun {
  runDir: string;
  groups: { pid: number; alive: boolean }[];
}

/** Run directories earlier runs left in `workdir` (found by their marker), for `smoke hosts clean`. */
export async function findLeftoverRuns(remote: Remote, shell: Shell, workdir: string | undefined): Promise<LeftoverRun[]> {
  const out = await runChecked(remote, shell.listRuns(workdir === undefined ? {} : { workdir }), 'list leftover runs', remote.host.timeouts.commandMs);
  const runs: LeftoverRun[] = [];
  for (const line of out.split(/\r?\n/)) {
    const run = /^run (.+)$/.exec(line);
    if (run) runs.push({ runDir: run[1]!, groups: [] });
    const pid = /^pid (\d+) ([01])$/.exec(line);
    if (pid && runs.length > 0) runs[runs.length - 1]!.groups.push({ pid: Number(pid[1]), alive: pid[2] === '1' });
  }
  return runs;
}

