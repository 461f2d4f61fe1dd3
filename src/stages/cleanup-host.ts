import type { Remote } from '../hosts/remote.ts';
import { parseStopLines, type Shell, type StopReport } from '../shells/shell.ts';
import { runChecked, runOnHost } from '../probes/run-on-host.ts';

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
  if (input.runDir) {
    stopped.push(...parseStopLines(await runChecked(remote, shell.stopRunGroups({ runDir: input.runDir, graceMs, sudo }), 'stop the run\'s processes', timeoutMs)));
  }
  const problems = stopped.filter((s) => s.outcome === 'survived').map((s) => `process group ${s.pid} (${s.pidFile}) survived SIGKILL on ${remote.host.name}`);
  let removed = false;
  if (input.runDir && !input.keep) {
    const res = await runOnHost(remote, shell.removeRunDir({ runDir: input.runDir, sudo }), 'remove the run directory', { timeoutMs: remote.host.timeouts.commandMs, maxOutputBytes: 16 * 1024 });
    removed = res.exitCode === 0;
    if (!removed) problems.push(`could not remove ${input.runDir} on ${remote.host.name}: ${(res.stderr || res.stdout).trim().slice(0, 300)}`);
  }
  return { stopped, removed, problems };
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

