import type { CommonDeps, HostCheck, HostSession } from '../checks/check.ts';
import type { PlatformJob } from '../checks/platform-job.ts';
import type { HostConfig } from '../config/types.ts';
import { checkResult, type CheckResult } from '../domain/verdict.ts';
import type { Remote } from '../hosts/remote.ts';
import { describeSwept } from '../probes/sweep-leftovers.ts';
import { shellFor } from '../shells/shell-for.ts';
import { cleanupHost } from '../stages/cleanup-host.ts';
import { abortableRemote, CANCELLED } from './abortable-remote.ts';
import { PlanProgress } from './plan-progress.ts';

export interface HostAttemptDeps extends CommonDeps {
  /** The run's connection to a host, opened again if it dropped: cleanup must still happen. */
  reconnect: (host: HostConfig) => Promise<Remote>;
}

/**
 * One attempt at a job's host checks on one host: each in plan order, then always cleanup.
 * Returns the results from the first host check on; a cleanup that left something is added as
 * `cleanup`.
 */
export async function runHostChecks(job: PlatformJob, checks: readonly HostCheck[], remote: Remote, deps: HostAttemptDeps): Promise<CheckResult[]> {
  const hostName = remote.host.name;
  const progress = new PlanProgress(job.platform, deps.onEvent);
  const session: HostSession = {
    remote,
    shell: shellFor(remote.host),
    reconnect: () => deps.reconnect(remote.host),
    runDir: null,
    binaryPath: null,
  };
  try {
    for (const check of checks) {
      const obstacle = progress.obstacle(check, deps, session);
      if (obstacle) {
        progress.skip([check], obstacle);
        continue;
      }
      if (deps.signal?.aborted) {
        progress.record(checkResult(check.name, 'error', CANCELLED));
        continue;
      }
      deps.onEvent({ kind: 'stage', platform: job.platform, stage: check.name, host: hostName });
      session.remote = abortableRemote(remote.connected ? remote : await session.reconnect(), deps.signal);
      progress.record(await guard(check.name, hostName, () => check.run(job, { ...deps, host: session })));
    }
  } finally {
    const keep = job.keepOnFailure && progress.results.some((c) => c.status !== 'pass');
    // Cleanup runs on the plain connection: a cancelled run still cleans.
    const problem = await cleanUp(job, { ...session, remote }, keep, deps);
    if (problem) progress.record(problem);
  }
  return progress.results;
}

/** A lost connection or a host that refuses a step is an `error` of that check, never a crash. */
async function guard(name: string, host: string, work: () => Promise<CheckResult>): Promise<CheckResult> {
  const started = Date.now();
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const detail = message.startsWith(`host ${host}`) ? message : `host ${host}: ${message}`;
    return checkResult(name, 'error', detail, Date.now() - started);
  }
}

/** Cleans the host, reconnecting once if the connection dropped; a dirty host is an `error`. */
async function cleanUp(job: PlatformJob, session: HostSession, keep: boolean, deps: HostAttemptDeps): Promise<CheckResult | null> {
  const started = Date.now();
  const { host } = session.remote;
  const { runDir } = session;
  const attempt = async () =>
    cleanupHost(session.remote.connected ? session.remote : await session.reconnect(), session.shell, { runDir, keep, graceMs: host.probes.boot.stopGraceMs });
  let report;
  try {
    report = await attempt().catch(attempt);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return checkResult('cleanup', 'error', `could not clean ${runDir ?? 'the run'} on host ${host.name}: ${message}; run smoke hosts clean`, Date.now() - started);
  }
  if (keep && runDir) deps.onEvent({ kind: 'info', message: `${job.platform}: kept ${runDir} on host ${host.name} for debugging` });
  const stopped = report.swept.filter((p) => !p.survived);
  if (stopped.length > 0) deps.onEvent({ kind: 'warning', platform: job.platform, host: host.name, message: `stopped processes the run left outside its process groups: ${describeSwept(stopped)}` });
  if (report.problems.length === 0) return null;
  return checkResult('cleanup', 'error', `host ${host.name} not clean: ${report.problems.join('; ')}`, Date.now() - started);
}
