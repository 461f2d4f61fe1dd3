import { performance } from 'node:perf_hooks';
import { checkResult } from '../domain/verdict.ts';
import { capText, runOnHost } from '../hosts/run-on-host.ts';
import type { Probe, ProbeTarget } from './probe.ts';

const ENTITLEMENT = 'com.apple.security.virtualization';

/**
 * macOS kills a binary that lost its signature, and one without the virtualization entitlement
 * cannot boot its VM. A host without `codesign` is `skipped` with a reason rather than a silent pass.
 */
export const probeSignature: Probe<Pick<ProbeTarget, 'binaryPath'>> = async (remote, shell, input) => {
  const started = performance.now();
  const res = await runOnHost(remote, shell.entitlements(input.binaryPath), 'read the code signature', {
    timeoutMs: remote.host.timeouts.commandMs,
    maxOutputBytes: 64 * 1024,
  });
  const ms = Math.round(performance.now() - started);
  if (res.exitCode === 127) return checkResult('signature', 'skipped', `codesign is not available on ${remote.host.name}: entitlements not checked`, ms);
  const output = `${res.stdout}${res.stderr}`;
  if (res.exitCode === 0 && output.includes(ENTITLEMENT)) return checkResult('signature', 'pass', `signed with ${ENTITLEMENT}`, ms);
  const detail = res.exitCode === 0 ? `the binary lacks the ${ENTITLEMENT} entitlement` : `codesign could not read the signature (exit code ${String(res.exitCode)})`;
  return checkResult('signature', 'fail', detail, ms, capText(output));
};
