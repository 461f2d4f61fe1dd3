import type { SmokeConfig } from '../config/types.ts';
import type { EventSink } from '../domain/events.ts';
import { checkResult, type CheckResult, type PlatformResult } from '../domain/verdict.ts';
import { checksAfter, platformVerdict, skipAfter } from '../report/verdict-rules.ts';
import type { FetchedPlatform } from '../stages/fetch-assets.ts';
import { inspectArchive } from '../stages/inspect-archive.ts';
import { CANCELLED } from './abortable-remote.ts';
import { inspectInput } from './inspect-input.ts';
import type { HostPool } from './host-pool.ts';
import { testOnHost } from './on-host.ts';

export interface PlatformRunInput {
  tag: string;
  runId: string;
  config: SmokeConfig;
  pool: HostPool;
  keepOnFailure: boolean;
  onEvent: EventSink;
  /** A cancelled run starts no new platform and stops the running probes; hosts are still cleaned. */
  signal?: AbortSignal;
}

/**
 * One platform's checks in order: `asset` and `checksum` (already done by the fetch stage),
 * `archive` here, then on a host `upload`, `version`, `boot` and extra probes. Infrastructure
 * errors on the host are retried `config.retries` times; failures never are.
 */
export async function testPlatform(fetched: FetchedPlatform, input: PlatformRunInput): Promise<PlatformResult> {
  const { platform } = fetched;
  const checks: CheckResult[] = [...fetched.checks];
  const result = (host: string | null, insecure = false): PlatformResult => {
    const done: PlatformResult = {
      platform,
      host,
      asset: fetched.asset?.name ?? null,
      sha256: fetched.sha256,
      verdict: platformVerdict(checks),
      checks,
    };
    if (insecure) done.insecureHostKey = true;
    input.onEvent({ kind: 'platform-finished', result: done });
    return done;
  };
  const order = ['asset', 'checksum', 'archive', ...hostCheckNames(input.config, platform)];
  const skipRest = (cause: CheckResult, after: string) => {
    const skipped = skipAfter(cause, checksAfter(after, order));
    checks.push(...skipped);
    for (const s of skipped) input.onEvent({ kind: 'check', platform, result: s });
  };

  const earlier = checks.find((c) => c.status !== 'pass');
  if (earlier || fetched.localPath === null || fetched.sha256 === null || fetched.asset === null) {
    skipRest(earlier ?? checkResult('asset', 'error', 'no verified download'), 'checksum');
    return result(null);
  }

  input.onEvent({ kind: 'stage', platform, stage: 'archive' });
  // Done during the download when it could be (a fresh .tar.gz): its durationMs is then only the
  // time it took beyond the download's end, the part that is our own overhead.
  const inspection = fetched.inspection ?? await inspectArchive(fetched.localPath, inspectInput(input.config, platform, fetched.asset.name));
  checks.push(inspection.check);
  input.onEvent({ kind: 'check', platform, result: inspection.check });
  if (inspection.check.status !== 'pass') {
    skipRest(inspection.check, 'archive');
    return result(null);
  }

  const onHost = {
    tag: input.tag,
    runId: input.runId,
    platform,
    localArchive: fetched.localPath,
    assetName: fetched.asset.name,
    sha256: fetched.sha256,
    binarySha256: inspection.binary?.sha256 ?? null,
    binaryName: input.config.release.binaryName,
    keepOnFailure: input.keepOnFailure,
    onEvent: input.onEvent,
    reconnect: (host: Parameters<HostPool['connection']>[0]) => input.pool.connection(host),
    ...(input.signal ? { signal: input.signal } : {}),
  };
  // What an earlier attempt found: a retry that cannot reach the host must not hide it.
  let earlierAttempt: CheckResult[] = [];
  for (let attempt = 0; ; attempt += 1) {
    if (input.signal?.aborted) {
      const cancelled = checkResult('upload', 'error', CANCELLED);
      checks.push(cancelled);
      input.onEvent({ kind: 'check', platform, result: cancelled });
      skipRest(cancelled, 'upload');
      checks.push(...leftBehind(earlierAttempt));
      return result(null);
    }
    input.onEvent({ kind: 'stage', platform, stage: 'connect' });
    const ran = await input.pool.run(platform, (remote) => testOnHost(remote, onHost).then((c) => ({ checks: c, insecure: remote.insecureHostKey })));
    if (ran.kind === 'unreachable') {
      if (attempt < input.config.retries) continue;
      const before = earlierAttempt.find((c) => c.name === 'upload' && c.status === 'error');
      const then = before ? ` (before that: ${before.detail})` : '';
      const unreachable = checkResult('upload', 'error', `no host for ${platform} could be used: ${ran.reasons.join('; ')}${then}`);
      checks.push(unreachable);
      input.onEvent({ kind: 'check', platform, result: unreachable });
      skipRest(unreachable, 'upload');
      checks.push(...leftBehind(earlierAttempt));
      return result(null);
    }
    const transferError = ran.value.checks.find((c) => c.name === 'upload' && c.status === 'error');
    if (transferError && attempt < input.config.retries && !input.signal?.aborted) {
      input.onEvent({ kind: 'warning', platform, host: ran.host.name, message: `retrying after: ${transferError.detail}` });
      earlierAttempt = ran.value.checks;
      continue;
    }
    checks.push(...ran.value.checks, ...leftBehind(earlierAttempt));
    return result(ran.host.name, ran.value.insecure);
  }
}

/** An earlier attempt's failed cleanup: what it left on a host stays in the report. */
function leftBehind(attempt: readonly CheckResult[]): CheckResult[] {
  return attempt.filter((c) => c.name === 'cleanup' && c.status !== 'pass');
}

/** The host-side check names this platform's hosts will run, for `skipped` cells. */
function hostCheckNames(config: SmokeConfig, platform: string): string[] {
  const host = config.hosts.find((h) => h.platform === platform);
  if (!host) return ['upload', 'version', 'boot'];
  const names = ['upload'];
  if (host.probes.version.enabled) names.push('version');
  if (host.probes.boot.mode !== 'off') names.push('boot');
  names.push(...host.probes.extra.map((p) => p.name));
  return names;
}
