import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostConfig } from '../../src/config/types.ts';
import { probeBootServe } from '../../src/probes/boot-serve.ts';
import { probeBootService } from '../../src/probes/boot-service.ts';
import { probeCustom } from '../../src/probes/custom.ts';
import { probeVersion } from '../../src/probes/version.ts';
import type { StandInVariant } from '../../src/sandbox/stand-in/behaviour.ts';
import { powerShell as shell } from '../../src/shells/powershell.ts';
import { cleanupHost } from '../../src/stages/cleanup-host.ts';
import { stageOnHost } from '../../src/stages/stage-on-host.ts';
import { leftovers, startStandInHost, TAG, type StandInHost } from './stand-in-host.ts';

// The Windows path for real: every stand-in variant as a windows/amd64 zip, pushed over SFTP to
// a real sshd whose `powershell` is PowerShell 7, staged, probed and cleaned up by the
// PowerShell dialect's scripts. After each the host holds no process and no file of the run.
const VARIANTS: StandInVariant[] = ['good', 'no-stamp', 'wrong-version', 'empty-kernel-exit', 'vm-not-started', 'never-ready', 'ignore-sigterm', 'orphan-child', 'noisy'];
/**
 * Each command starts a PowerShell (a second of CPU, several on a busy machine) and a boot
 * probe runs about ten: the boot timeout is the host's default, and a test waits its turn.
 */
const BOOT_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 300_000;
let env: StandInHost;

beforeAll(async () => {
  env = await startStandInHost(VARIANTS, { platform: 'windows/amd64' });
});
afterAll(async () => {
  await env?.stop();
});

// Every command starts a PowerShell, which costs a second of CPU: three variants at a time.
const oneHost = pLimit(3);

async function staged(variant: StandInVariant, runId: string) {
  const archive = env.archives.get(variant)!;
  const result = await stageOnHost(env.remote, shell, {
    localArchive: archive.path,
    assetName: archive.name,
    expectedSha256: archive.sha256,
    binaryName: 'ephemerd',
    platform: 'windows/amd64',
    runId,
  });
  expect(result.check.status, result.check.detail).toBe('pass');
  expect(result.binaryPath).toMatch(/\/bin\/ephemerd\.exe$/);
  return { runDir: result.runDir!, binaryPath: result.binaryPath! };
}

async function clean(runDir: string) {
  const cleaned = await cleanupHost(env.remote, shell, { runDir, keep: false, graceMs: 500 });
  expect(cleaned.problems).toEqual([]);
  expect(cleaned.removed).toBe(true);
  expect(leftovers(runDir)).toEqual([]);
}

function versionOf(variant: StandInVariant) {
  return oneHost(async () => {
    const { runDir, binaryPath } = await staged(variant, `w-${variant}`);
    try {
      return await probeVersion(env.remote, shell, { binaryPath, runDir, tag: TAG, settings: env.host.probes.version });
    } finally {
      await clean(runDir);
    }
  });
}

function runVariant(variant: StandInVariant, boot: Partial<HostConfig['probes']['boot']> = {}) {
  return oneHost(async () => {
    const { runDir, binaryPath } = await staged(variant, `w-${variant}`);
    try {
      const version = await probeVersion(env.remote, shell, { binaryPath, runDir, tag: TAG, settings: env.host.probes.version });
      const settings = { ...env.host.probes.boot, timeoutMs: BOOT_TIMEOUT_MS, ...boot };
      const bootResult = await probeBootServe(env.remote, shell, { binaryPath, runDir, settings, pollMs: 100, settleMs: 300 });
      return { version, boot: bootResult, runDir };
    } finally {
      await clean(runDir);
    }
  });
}

/** Whether a process id of the host is still a live process there, asked through the host's own PowerShell. */
async function aliveOnHost(pid: number): Promise<boolean> {
  const res = await env.remote.exec(shell.runScriptWithTimeout({ script: `if (Get-Process -Id ${pid} -ErrorAction SilentlyContinue) { 'alive' } else { 'gone' }`, cwd: '/', timeoutMs: 20_000, sudo: false }), { timeoutMs: 60_000 });
  expect(res.exitCode, res.stderr).toBe(0);
  return res.stdout.trim() === 'alive';
}

describe.concurrent('version and boot on the PowerShell host, one stand-in build each', { timeout: TEST_TIMEOUT_MS }, () => {
  it('good: version and boot pass, /healthz answered through Invoke-WebRequest', async () => {
    const r = await runVariant('good');
    expect(r.version).toMatchObject({ status: 'pass', detail: `printed "ephemerd version ${TAG}"` });
    expect(r.boot.status, r.boot.detail).toBe('pass');
    expect(r.boot.detail).toMatch(/\/healthz answered "status":"ok"/);
    // Windows can only force a stop: no "ignored SIGTERM" note.
    expect(r.boot.detail).not.toMatch(/SIGTERM/);
  });

  it('no-stamp: version fails showing what it printed', async () => {
    expect(await versionOf('no-stamp')).toMatchObject({ status: 'fail', detail: `printed "ephemerd version dev", expected "ephemerd version ${TAG}"` });
  });

  it('wrong-version: version fails showing what it printed', async () => {
    const version = await versionOf('wrong-version');
    expect(version.status).toBe('fail');
    expect(version.detail).toMatch(/^printed "ephemerd version v0\.0\.0-stale", expected/);
  });

  it('empty-kernel-exit: boot fails with the message it exits with', async () => {
    const r = await runVariant('empty-kernel-exit');
    expect(r.boot.status, r.boot.detail).toBe('fail');
    expect(r.boot.detail).toMatch(/embedded embed\/vmlinuz is empty \(placeholder only\)/);
  });

  it('vm-not-started: boot fails on the WARN although the daemon runs on and would be ready', async () => {
    const r = await runVariant('vm-not-started');
    expect(r.boot.status, r.boot.detail).toBe('fail');
    expect(r.boot.detail).toMatch(/known bad line .*embedded vmlinuz is empty/);
  });

  it('never-ready: boot fails on the timeout, and the daemon is stopped', async () => {
    const r = await runVariant('never-ready', { timeoutMs: 5000 });
    expect(r.boot).toMatchObject({ status: 'fail', detail: 'no line matching /msg="ephemerd ready"/ within 5 s' });
  });

  it('ignore-sigterm: taskkill /F stops it all the same', async () => {
    const r = await runVariant('ignore-sigterm');
    expect(r.boot.status, r.boot.detail).toBe('pass');
  });

  it('orphan-child: taskkill /T takes the child with its parent', async () => {
    const r = await runVariant('orphan-child');
    expect(r.boot.status, r.boot.detail).toBe('pass');
    const shim = /runner shim started" pid=(\d+)/.exec(r.boot.excerpt ?? '');
    expect(shim, r.boot.excerpt).not.toBeNull();
    expect(await aliveOnHost(Number(shim![1]))).toBe(false);
  });

  it('noisy: megabytes of log after the start command returned, and the verdict is right', async () => {
    const r = await runVariant('noisy', { timeoutMs: 90_000 });
    expect(r.boot.status, r.boot.detail).toBe('pass');
  });
});

describe('custom probes and the service mode on the PowerShell host', { timeout: TEST_TIMEOUT_MS }, () => {
  it('runs {binary} with & and judges exit code, output and the timeout', async () => {
    const { runDir, binaryPath } = await staged('good', 'w-custom');
    try {
      const probe = (name: string, command: string, more: { expectOutput?: string; timeoutMs?: number } = {}) =>
        probeCustom(env.remote, shell, { binaryPath, runDir, probe: { name, command, expectExitCode: 0, timeoutMs: more.timeoutMs ?? 20_000, ...(more.expectOutput ? { expectOutput: more.expectOutput } : {}) } });
      const results = [
        await probe('doctor', '{binary} doctor --check', { expectOutput: '^root: ok' }),
        await probe('bare-doctor', '{binary} doctor'),
        await probe('slow', 'Start-Sleep -Seconds 60', { timeoutMs: 3000 }),
      ];
      expect(results.map((r) => [r.name, r.status, r.detail])).toEqual([
        ['doctor', 'pass', 'exited with code 0 and matched /^root: ok/'],
        ['bare-doctor', 'fail', 'exited with code 2, expected 0'],
        ['slow', 'fail', 'did not finish within 3 s'],
      ]);
      expect(results[1]!.excerpt).toMatch(/refusing `doctor` without --check/);
    } finally {
      await clean(runDir);
    }
  });

  it('service mode: install, start, status ok, stop and uninstall through the dialect', async () => {
    const { runDir, binaryPath } = await staged('good', 'w-service');
    try {
      const result = await probeBootService(env.remote, shell, { binaryPath, runDir, settings: { ...env.host.probes.boot, mode: 'service', timeoutMs: 20_000 }, pollMs: 200 });
      expect(result.status, result.detail).toBe('pass');
      expect(result.detail).toMatch(/^service answered status ok in/);
    } finally {
      await clean(runDir);
    }
  });
});
