import type { HostConfig } from '../config/types.ts';
import type { EventSink } from '../domain/events.ts';
import type { PlatformId } from '../domain/platform.ts';
import { checkResult, type CheckResult } from '../domain/verdict.ts';
import type { Remote } from '../hosts/remote.ts';
import { probeBootServe } from '../probes/boot-serve.ts';
import { probeBootService } from '../probes/boot-service.ts';
import { probeCustom } from '../probes/custom.ts';
import { probeVersion } from '../probes/version.ts';
import { skipAfter } from '../report/verdict-rules.ts';
import { shellFor } from '../shells/shell-for.ts';
import type { Shell } from '../shells/shell.ts';
import { describeSwept } from '../probes/sweep-leftovers.ts';
import { cleanupHost } from '../stages/cleanup-host.ts';
import { stageOnHost } from '../stages/stage-on-host.ts';
import { abortableRemote, CANCELLED } from './abortable-remote.ts';

export interface OnHostInput {
  tag: string;
  runId: string;
  platform: PlatformId;
  localArchive: string;
  assetName: string;
  sha256: string;
  /** The inspected binary entry's SHA-256: the host's extracted file must match it. */
  binarySha256: string | null;
  binaryName: string;
  keepOnFailure: boolean;
  onEvent: EventSink;
  /** The run's connection to a host, opened again if it dropped: cleanup must still happen. */
  reconnect: (host: HostConfig) => Promise<Remote>;
  /** Stops the probes (the running command is ended, no new check starts); cleanup still runs. */
  signal?: AbortSignal;
}

type Step = { name: string; run: (remote: Remote, shell: Shell, binaryPath: string, runDir: string) => Promise<CheckResult> };

/**
 * Everything one platform does on its host: stage, probe in order, and always clean up.
 * Returns the checks from `upload` on; a probe that cannot run because an earlier one did not
 * pass is `skipped`.
 */
export async function testOnHost(remote: Remote, input: OnHostInput): Promise<CheckResult[]> {
  const host = remote.host;
  const shell = shellFor(host);
  const emit = (result: CheckResult) => input.onEvent({ kind: 'check', platform: input.platform, result });
  const steps = probeSteps(host, input.tag);
  const checks: CheckResult[] = [];

  input.onEvent({ kind: 'stage', platform: input.platform, stage: 'upload', host: host.name });
  const staged = await guard('upload', host.name, () =>
    stageOnHost(abortableRemote(remote, input.signal), shell, {
      localArchive: input.localArchive,
      assetName: input.assetName,
      expectedSha256: input.sha256,
      binarySha256: input.binarySha256,
      binaryName: input.binaryName,
      platform: input.platform,
      runId: input.runId,
      onProgress: (bytes, total) =>
        input.onEvent({ kind: 'upload-progress', platform: input.platform, host: host.name, bytes, total }),
    }),
  );
  const runDir = 'check' in staged ? staged.runDir : null;
  try {
    const stagedChecks = 'check' in staged ? [staged.check, ...signatureCheck(staged.signature, host, input)] : [staged];
    for (const c of stagedChecks) {
      checks.push(c);
      emit(c);
    }
    const binaryPath = 'check' in staged ? staged.binaryPath : null;
    let blocker = stagedChecks.find((c) => c.status === 'fail' || c.status === 'error');
    for (const step of steps) {
      if (blocker || binaryPath === null || runDir === null) {
        const skipped = skipAfter(blocker ?? stagedChecks[0]!, [step.name]);
        checks.push(...skipped);
        skipped.forEach(emit);
        continue;
      }
      if (input.signal?.aborted) {
        blocker = checkResult(step.name, 'error', CANCELLED);
        checks.push(blocker);
        emit(blocker);
        continue;
      }
      input.onEvent({ kind: 'stage', platform: input.platform, stage: step.name, host: host.name });
      const current = abortableRemote(remote.connected ? remote : await input.reconnect(host), input.signal);
      const result = await guard(step.name, host.name, () => step.run(current, shell, binaryPath, runDir));
      checks.push(result);
      emit(result);
      if (result.status === 'fail' || result.status === 'error') blocker = result;
    }
  } finally {
    const keep = input.keepOnFailure && checks.some((c) => c.status !== 'pass');
    const problem = await cleanUp(remote, shell, runDir, keep, input);
    if (problem) {
      checks.push(problem);
      emit(problem);
    }
  }
  return checks;
}

/**
 * The darwin signature check. A host with a launcher runs the build emulated (the sandbox's
 * stand-in hosts): codesign cannot judge it there, so a skip is noted rather than reported.
 */
function signatureCheck(signature: CheckResult | undefined, host: HostConfig, input: OnHostInput): CheckResult[] {
  if (!signature) return [];
  if (signature.status === 'skipped' && host.launcher.length > 0) {
    input.onEvent({ kind: 'info', message: `${input.platform}: ${signature.detail} (emulated host)` });
    return [];
  }
  return [signature];
}

function probeSteps(host: HostConfig, tag: string): Step[] {
  const { version, boot, extra } = host.probes;
  const steps: Step[] = [];
  if (version.enabled) {
    steps.push({ name: 'version', run: (r, s, binaryPath, runDir) => probeVersion(r, s, { binaryPath, runDir, tag, settings: version }) });
  }
  if (boot.mode === 'serve') {
    steps.push({ name: 'boot', run: (r, s, binaryPath, runDir) => probeBootServe(r, s, { binaryPath, runDir, settings: boot }) });
  } else if (boot.mode === 'service') {
    steps.push({ name: 'boot', run: (r, s, binaryPath, runDir) => probeBootService(r, s, { binaryPath, runDir, settings: boot }) });
  }
  for (const probe of extra) {
    steps.push({ name: probe.name, run: (r, s, binaryPath, runDir) => probeCustom(r, s, { binaryPath, runDir, probe }) });
  }
  return steps;
}

/** A lost connection or a host that refuses a step is an `error` of that check, never a crash. */
async function guard<T>(name: string, host: string, work: () => Promise<T>): Promise<T | CheckResult> {
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
async function cleanUp(
  remote: Remote,
  shell: Shell,
  runDir: string | null,
  keep: boolean,
  input: OnHostInput,
): Promise<CheckResult | null> {
  const started = Date.now();
  const host = remote.host;
  const attempt = async () => cleanupHost(remote.connected ? remote : await input.reconnect(host), shell, { runDir, keep, graceMs: host.probes.boot.stopGraceMs });
  let report;
  try {
    report = await attempt().catch(attempt);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return checkResult('cleanup', 'error', `could not clean ${runDir ?? 'the run'} on host ${host.name}: ${message}; run smoke hosts clean`, Date.now() - started);
  }
  if (keep && runDir) input.onEvent({ kind: 'info', message: `${input.platform}: kept ${runDir} on host ${host.name} for debugging` });
  const stopped = report.swept.filter((p) => !p.survived);
  if (stopped.length > 0) input.onEvent({ kind: 'warning', platform: input.platform, host: host.name, message: `stopped processes the run left outside its process groups: ${describeSwept(stopped)}` });
  if (report.problems.length === 0) return null;
  return checkResult('cleanup', 'error', `host ${host.name} not clean: ${report.problems.join('; ')}`, Date.now() - started);
}
