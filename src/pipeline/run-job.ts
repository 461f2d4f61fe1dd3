import type { CommonDeps, HostCheck } from '../checks/check.ts';
import type { PlatformJob } from '../checks/platform-job.ts';
import { checkResult, type CheckResult, type PlatformResult } from '../domain/verdict.ts';
import { platformVerdict } from '../domain/verdict-rules.ts';
import { CANCELLED } from './abortable-remote.ts';
import type { HostPool } from './host-pool.ts';
import { PlanProgress } from './plan-progress.ts';
import { runHostChecks } from './run-host-checks.ts';

export interface JobDeps extends CommonDeps {
  pool: HostPool;
  /** How often an attempt on a host that errored at its first check is made again. */
  retries: number;
}

/**
 * One platform's plan: the download's verdicts, the checks on this machine, then the host
 * checks on the first host that can be reached. Nothing reaches a host before every earlier
 * check passed.
 */
export async function runJob(job: PlatformJob, deps: JobDeps): Promise<PlatformResult> {
  const progress = new PlanProgress(job.platform, deps.onEvent);
  const hostChecks = job.plan.filter((c): c is HostCheck => c.where === 'host');
  for (const check of job.plan.filter((c) => c.where !== 'host')) {
    // The fetch stage judged and told these already, skipped cells included.
    if (check.where === 'download') {
      progress.record(await check.run(job, deps), { emitted: true });
      continue;
    }
    const obstacle = progress.obstacle(check, deps);
    if (obstacle) progress.skip([check], obstacle);
    else {
      deps.onEvent({ kind: 'stage', platform: job.platform, stage: check.name });
      progress.record(await check.run(job, deps));
    }
  }
  const reached = hostChecks.length === 0 || progress.blocker ? null : await runOnSomeHost(job, hostChecks, progress, deps);
  if (progress.blocker && !reached) progress.skip(hostChecks.filter((c) => !progress.results.some((r) => r.name === c.name)));
  const result: PlatformResult = {
    platform: job.platform,
    host: reached?.host ?? null,
    asset: deps.download.asset?.name ?? null,
    sha256: deps.download.sha256,
    verdict: platformVerdict(progress.results),
    checks: progress.results,
  };
  if (reached?.insecure) result.insecureHostKey = true;
  deps.onEvent({ kind: 'platform-finished', result });
  return result;
}

/**
 * The host checks on the first reachable host of the platform. Infrastructure errors (no host
 * could be reached, the first host check errored: a cut transfer) are tried again
 * `deps.retries` times; failures never are. This is the one place a host attempt is retried.
 */
async function runOnSomeHost(job: PlatformJob, checks: readonly HostCheck[], progress: PlanProgress, deps: JobDeps): Promise<{ host: string; insecure: boolean } | null> {
  const first = checks[0]!;
  // What an earlier attempt found: a retry that cannot reach the host must not hide it.
  let earlier: CheckResult[] = [];
  const giveUp = (cause: CheckResult) => {
    progress.record(cause);
    progress.skip(checks.slice(1), cause);
    progress.adopt(leftBehind(earlier));
    return null;
  };
  for (let attempt = 0; ; attempt += 1) {
    if (deps.signal?.aborted) return giveUp(checkResult(first.name, 'error', CANCELLED));
    deps.onEvent({ kind: 'stage', platform: job.platform, stage: 'connect' });
    const reconnect = deps.pool.connection.bind(deps.pool);
    const ran = await deps.pool.run(job.platform, async (remote) => ({
      results: await runHostChecks(job, checks, remote, { ...deps, reconnect }),
      insecure: remote.insecureHostKey === true,
    }));
    if (ran.kind === 'unreachable') {
      if (attempt < deps.retries) continue;
      const before = earlier.find((c) => c.name === first.name && c.status === 'error');
      const then = before ? ` (before that: ${before.detail})` : '';
      return giveUp(checkResult(first.name, 'error', `no host for ${job.platform} could be used: ${ran.reasons.join('; ')}${then}`));
    }
    const transferError = ran.value.results.find((c) => c.name === first.name && c.status === 'error');
    if (transferError && attempt < deps.retries && !deps.signal?.aborted) {
      deps.onEvent({ kind: 'warning', platform: job.platform, host: ran.host.name, message: `retrying after: ${transferError.detail}` });
      earlier = ran.value.results;
      continue;
    }
    progress.adopt([...ran.value.results, ...leftBehind(earlier)]);
    return { host: ran.host.name, insecure: ran.value.insecure };
  }
}

/** An earlier attempt's failed cleanup: what it left on a host stays in the report. */
function leftBehind(attempt: readonly CheckResult[]): CheckResult[] {
  return attempt.filter((c) => c.name === 'cleanup' && c.status !== 'pass');
}
