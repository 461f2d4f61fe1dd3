import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostConfig } from '../../src/config/types.ts';
import type { StandInVariant } from '../../src/sandbox/stand-in/behaviour.ts';
import { probeBootServe } from '../../src/probes/boot-serve.ts';
import { probeCustom } from '../../src/probes/custom.ts';
import { probeVersion } from '../../src/probes/version.ts';
import { posixShell as shell } from '../../src/shells/posix.ts';
import { cleanupHost } from '../../src/stages/cleanup-host.ts';
import { stageOnHost } from '../../src/stages/stage-on-host.ts';
import { leftovers, startStandInHost, TAG, type StandInHost } from './stand-in-host.ts';

// Every stand-in variant, pushed through a real sshd, staged, probed and cleaned up; after each
// the host must hold no process and no file of the run.
const VARIANTS: StandInVariant[] = ['good', 'no-stamp', 'wrong-version', 'empty-kernel-exit', 'vm-not-started', 'never-ready', 'ignore-sigterm', 'orphan-child', 'noisy', 'exit-before-ready'];
let env: StandInHost;

beforeAll(async () => {
  env = await startStandInHost(VARIANTS);
});
afterAll(async () => {
  await env?.stop();
});

/**
 * All variants share one connection, and sshd allows 10 sessions on it. A booting variant holds
 * two (the log follower and a command beside it), and a stopped follower's session lasts until
 * its loop's next write: four at once, with the SFTP session, stay under the limit.
 */
const oneConnection = pLimit(4);

function runVariant(variant: StandInVariant, boot: Partial<HostConfig['probes']['boot']> = {}) {
  return oneConnection(() => probeVariant(variant, boot));
}

async function probeVariant(variant: StandInVariant, boot: Partial<HostConfig['probes']['boot']>) {
  const { remote, host } = env;
  const archive = env.archives.get(variant)!;
  const staged = await stageOnHost(remote, shell, {
    localArchive: archive.path,
    assetName: archive.name,
    expectedSha256: archive.sha256,
    binaryName: 'ephemerd',
    platform: 'linux/amd64',
    runId: `t-${variant}`,
  });
  expect(staged.check.status, staged.check.detail).toBe('pass');
  const runDir = staged.runDir!;
  try {
    const version = await probeVersion(remote, shell, { binaryPath: staged.binaryPath!, runDir, tag: TAG, settings: host.probes.version });
    const bootResult = await probeBootServe(remote, shell, {
      binaryPath: staged.binaryPath!,
      runDir,
      settings: { ...host.probes.boot, ...boot },
      pollMs: 50,
      settleMs: 200,
    });
    return { version, boot: bootResult, runDir };
  } finally {
    const cleaned = await cleanupHost(remote, shell, { runDir, keep: false, graceMs: 500 });
    expect(cleaned.problems).toEqual([]);
    expect(leftovers(runDir)).toEqual([]);
  }
}

// Concurrent: each variant has its own run dir and process group, and most of the time goes to
// waiting for SSH round trips; `runVariant` lets four probe at once.
describe.concurrent('version and boot probes against a real sshd with stand-in builds', () => {
  it('good: version and boot pass, /healthz answered', async () => {
    const r = await runVariant('good');
    expect(r.version).toMatchObject({ status: 'pass', detail: `printed "ephemerd version ${TAG}"` });
    expect(r.boot.status, r.boot.detail).toBe('pass');
    expect(r.boot.detail).toMatch(/\/healthz answered "status":"ok"/);
    expect(r.boot.excerpt).toMatch(/ephemerd ready/);
  });

  it('no-stamp: version fails showing what it printed', async () => {
    const r = await runVariant('no-stamp');
    expect(r.version.status).toBe('fail');
    expect(r.version.detail).toBe(`printed "ephemerd version dev", expected "ephemerd version ${TAG}"`);
  });

  it('wrong-version: version fails showing what it printed', async () => {
    const r = await runVariant('wrong-version');
    expect(r.version.status).toBe('fail');
    expect(r.version.detail).toMatch(/^printed "ephemerd version v0\.0\.0-stale", expected/);
  });

  it('empty-kernel-exit: boot fails with the message', async () => {
    const r = await runVariant('empty-kernel-exit');
    expect(r.version.status).toBe('pass');
    expect(r.boot.status, r.boot.detail).toBe('fail');
    expect(r.boot.detail).toMatch(/embedded embed\/vmlinuz is empty \(placeholder only\)/);
  });

  it('vm-not-started: boot fails on the known bad line although it would become ready', async () => {
    const r = await runVariant('vm-not-started');
    expect(r.boot.status, r.boot.detail).toBe('fail');
    expect(r.boot.detail).toMatch(/known bad line .*embedded vmlinuz is empty/);
    expect(r.boot.excerpt).toMatch(/vmlinuz is empty/);
  });

  it('never-ready: boot fails on the timeout, and the daemon is stopped', async () => {
    const r = await runVariant('never-ready', { timeoutMs: 1500 });
    expect(r.boot.status, r.boot.detail).toBe('fail');
    expect(r.boot.detail).toBe('no line matching /msg="ephemerd ready"/ within 1.5 s');
  });

  it('ignore-sigterm: passes, needed SIGKILL (noted), and is gone', async () => {
    const r = await runVariant('ignore-sigterm');
    expect(r.boot.status).toBe('pass');
    expect(r.boot.detail).toMatch(/ignored SIGTERM for 1 s, killed$/);
  });

  it('orphan-child: the child in the group is killed too', async () => {
    const r = await runVariant('orphan-child');
    expect(r.boot.status).toBe('pass');
    // The shim's command line does not name the run dir: ask the host (its pid namespace) about its pid.
    const shim = /runner shim started" pid=(\d+)/.exec(r.boot.excerpt ?? '');
    expect(shim, r.boot.excerpt).not.toBeNull();
    const ps = await env.remote.exec(`ps -o stat= -p ${shim![1]}`, { timeoutMs: 10_000 });
    // Gone, or a zombie waiting for a reaper (it no longer runs): never a live process.
    expect(ps.stdout.trim()).toMatch(/^Z?$/);
  });

  it('noisy: the verdict is right and the excerpt is capped', async () => {
    const r = await runVariant('noisy', { timeoutMs: 30_000 });
    expect(r.boot.status, r.boot.detail).toBe('pass');
    expect(r.boot.excerpt!.length).toBeLessThanOrEqual(4002);
  });

  it('exit-before-ready: boot fails', async () => {
    const r = await runVariant('exit-before-ready');
    expect(r.boot.status, r.boot.detail).toBe('fail');
    expect(r.boot.detail).toMatch(/^exited before it was ready: .*containerd ready/);
  });
});

describe('a boot probe whose launch fails before the start', () => {
  it('is an error naming the step (finding a port or not), and the host is left clean', async () => {
    const archive = env.archives.get('good')!;
    const staged = await stageOnHost(env.remote, shell, { localArchive: archive.path, assetName: archive.name, expectedSha256: archive.sha256, binaryName: 'ephemerd', platform: 'linux/amd64', runId: 'launch' });
    try {
      // The data directory would go under a file: mkdir refuses, and nothing starts.
      const boot = (port: number) => probeBootServe(env.remote, shell, { binaryPath: staged.binaryPath!, runDir: staged.binaryPath!, settings: { ...env.host.probes.boot, port }, pollMs: 50, settleMs: 200 });
      const [free, fixed] = [await boot(0), await boot(18_081)];
      expect([free.status, fixed.status]).toEqual(['error', 'error']);
      expect(free.detail).toMatch(new RegExp(`^host ${env.host.name}: make the data directory and find a free port: mkdir: .*Not a directory$`));
      expect(fixed.detail).toMatch(new RegExp(`^host ${env.host.name}: make the data directory: mkdir: .*Not a directory$`));
    } finally {
      const cleaned = await cleanupHost(env.remote, shell, { runDir: staged.runDir, keep: false, graceMs: 500 });
      expect(cleaned.problems).toEqual([]);
    }
  });
});

describe('custom probes from the config, on the same host', () => {
  async function withStaged<T>(fn: (binaryPath: string, runDir: string) => Promise<T>): Promise<T> {
    const archive = env.archives.get('good')!;
    const staged = await stageOnHost(env.remote, shell, { localArchive: archive.path, assetName: archive.name, expectedSha256: archive.sha256, binaryName: 'ephemerd', platform: 'linux/amd64', runId: 'custom' });
    try {
      return await fn(staged.binaryPath!, staged.runDir!);
    } finally {
      await cleanupHost(env.remote, shell, { runDir: staged.runDir, keep: false });
    }
  }

  it('runs {binary} through the launcher, quoted, and judges exit code and output', async () => {
    const results = await withStaged((binaryPath, runDir) =>
      Promise.all([
        probeCustom(env.remote, shell, { binaryPath, runDir, probe: { name: 'doctor', command: '{binary} doctor --check', expectExitCode: 0, expectOutput: '^root: ok', timeoutMs: 10_000 } }),
        probeCustom(env.remote, shell, { binaryPath, runDir, probe: { name: 'bare-doctor', command: '{binary} doctor', expectExitCode: 0, timeoutMs: 10_000 } }),
        probeCustom(env.remote, shell, { binaryPath, runDir, probe: { name: 'output', command: '{binary} --version', expectExitCode: 0, expectOutput: 'v9', timeoutMs: 10_000 } }),
        probeCustom(env.remote, shell, { binaryPath, runDir, probe: { name: 'slow', command: 'sleep 30', expectExitCode: 0, timeoutMs: 1000 } }),
      ]),
    );
    expect(results.map((r) => [r.name, r.status])).toEqual([['doctor', 'pass'], ['bare-doctor', 'fail'], ['output', 'fail'], ['slow', 'fail']]);
    expect(results[1]!.detail).toBe('exited with code 2, expected 0');
    expect(results[1]!.excerpt).toMatch(/refusing `doctor` without --check/);
    expect(results[2]!.detail).toBe('output does not match /v9/');
    expect(results[3]!.detail).toBe('did not finish within 1 s');
  });
});
