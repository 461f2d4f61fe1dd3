import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeBootServe } from '../../src/probes/boot-serve.ts';
import { probeCustom } from '../../src/probes/custom.ts';
import { probeVersion } from '../../src/probes/version.ts';
import { powerShell as shell } from '../../src/shells/powershell.ts';
import { cleanupHost } from '../../src/stages/cleanup-host.ts';
import { stageOnHost } from '../../src/stages/stage-on-host.ts';
import { leftovers, startStandInHost, TAG, type StandInHost } from './stand-in-host.ts';

// Some Win32-OpenSSH versions answer exit status 0 or 1 whatever the command did. Two PowerShell
// hosts do just that here; the verdicts must be the ones a truthful host gives.
let answersOne: StandInHost;
let answersZero: StandInHost;

beforeAll(async () => {
  [answersOne, answersZero] = await Promise.all([
    startStandInHost(['good'], { platform: 'windows/amd64', loseExitStatus: 1 }),
    startStandInHost(['good'], { platform: 'windows/amd64', loseExitStatus: 0 }),
  ]);
});
afterAll(async () => {
  await Promise.all([answersOne?.stop(), answersZero?.stop()]);
});

async function onStaged<T>(env: StandInHost, fn: (binaryPath: string, runDir: string) => Promise<T>): Promise<T> {
  const archive = env.archives.get('good')!;
  const staged = await stageOnHost(env.remote, shell, { localArchive: archive.path, assetName: archive.name, expectedSha256: archive.sha256, binaryName: 'ephemerd', platform: 'windows/amd64', runId: 'lost-exit' });
  expect(staged.check.status, staged.check.detail).toBe('pass');
  try {
    return await fn(staged.binaryPath!, staged.runDir!);
  } finally {
    const cleaned = await cleanupHost(env.remote, shell, { runDir: staged.runDir, keep: false, graceMs: 500 });
    expect(cleaned.problems).toEqual([]);
    expect(leftovers(staged.runDir!)).toEqual([]);
  }
}

const doctor = (name: string, command: string) => ({ name, command, expectExitCode: 0, timeoutMs: 30_000 });

describe('a host whose SSH exit status is wrong does not change a verdict', { timeout: 240_000 }, () => {
  it('the hosts do lie: a command that reports nothing in-band gets their fixed answer', async () => {
    const plain = 'powershell -NoProfile -NonInteractive -Command "exit 3"';
    expect((await answersOne.remote.exec(plain, { timeoutMs: 60_000 })).exitCode).toBe(1);
    expect((await answersZero.remote.exec(plain, { timeoutMs: 60_000 })).exitCode).toBe(0);
  });

  it('always 1: staging, --version with its sweep, boot (one exec to launch, one to stop and sweep) and a passing probe still pass', async () => {
    const env = answersOne;
    const boot = { ...env.host.probes.boot, timeoutMs: 60_000 };
    const results = await onStaged(env, async (binaryPath, runDir) => [
      await probeVersion(env.remote, shell, { binaryPath, runDir, tag: TAG, settings: env.host.probes.version }),
      await probeBootServe(env.remote, shell, { binaryPath, runDir, settings: boot, pollMs: 100, settleMs: 300 }),
      await probeCustom(env.remote, shell, { binaryPath, runDir, probe: doctor('doctor', '{binary} doctor --check') }),
    ]);
    expect(results.map((r) => [r.name, r.status, r.name === 'boot' ? r.detail.replace(/ready in [\d.]+ m?s/, 'ready') : r.detail])).toEqual([
      ['version', 'pass', `printed "ephemerd version ${TAG}"`],
      ['boot', 'pass', expect.stringMatching(/^ready and \/healthz answered "status":"ok" on port \d+$/)],
      ['doctor', 'pass', 'exited with code 0'],
    ]);
  });

  it('always 0: a boot whose data directory cannot be made is an error naming that step, and nothing is started', async () => {
    const env = answersZero;
    const result = await onStaged(env, (binaryPath, runDir) =>
      // The run directory's `data` would go under a file: the host's CreateDirectory refuses.
      probeBootServe(env.remote, shell, { binaryPath, runDir: binaryPath, settings: env.host.probes.boot, pollMs: 100, settleMs: 300 }),
    );
    expect(result.status).toBe('error');
    expect(result.detail).toMatch(new RegExp(`^host ${env.host.name}: make the data directory and find a free port: (?!no port number printed).+`));
  });

  it('always 0: a probe whose command fails still fails, with its real exit code', async () => {
    const env = answersZero;
    const result = await onStaged(env, (binaryPath, runDir) => probeCustom(env.remote, shell, { binaryPath, runDir, probe: doctor('bare-doctor', '{binary} doctor') }));
    expect([result.status, result.detail]).toEqual(['fail', 'exited with code 2, expected 0']);
  });
});
