import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { posixShell as shell } from '../../src/shells/posix.ts';
import { cleanupHost, findLeftoverRuns } from '../../src/stages/cleanup-host.ts';
import { stageOnHost } from '../../src/stages/stage-on-host.ts';
import { startStandInHost, type StandInHost } from '../probes/stand-in-host.ts';

let env: StandInHost;
beforeAll(async () => {
  env = await startStandInHost(['good']);
});
afterAll(async () => {
  await env?.stop();
});

async function stage(runId: string): Promise<string> {
  const good = env.archives.get('good')!;
  const staged = await stageOnHost(env.remote, shell, { localArchive: good.path, assetName: good.name, expectedSha256: good.sha256, binaryName: 'ephemerd', platform: 'linux/amd64', runId });
  return staged.runDir!;
}

it('finds a run left behind with its live process group, stops it, and removes it', async () => {
  const runDir = await stage('left');
  const pidFile = shell.joinPath(runDir, 'pids', 'stray.pid');
  const started = await env.remote.exec(shell.startBackground({ argv: ['sleep', '300'], cwd: runDir, logFile: shell.joinPath(runDir, 'stray.log'), pidFile, sudo: false }), { timeoutMs: 10_000 });
  const pid = Number(started.stdout.trim());
  expect(await findLeftoverRuns(env.remote, shell, env.workdir)).toEqual([{ runDir, groups: [{ pid, alive: true }] }]);

  const cleaned = await cleanupHost(env.remote, shell, { runDir, keep: false, graceMs: 500 });
  expect(cleaned).toEqual({ stopped: [{ outcome: 'term', pid: String(pid), pidFile }], swept: [], removed: true, problems: [] });
  expect(await findLeftoverRuns(env.remote, shell, env.workdir)).toEqual([]);
});

it('stops a process that left the recorded group by the run mark it inherited', async () => {
  const runDir = await stage('escaped');
  const pidFile = shell.joinPath(runDir, 'pids', 'stray.pid');
  // setsid(1) run by a group leader forks: the recorded group ends, its child lives on in a session of its own.
  await env.remote.exec(shell.startBackground({ argv: ['setsid', 'sleep', '300'], cwd: runDir, logFile: shell.joinPath(runDir, 'stray.log'), pidFile, sudo: false, runMark: runDir }), { timeoutMs: 10_000 });
  const cleaned = await cleanupHost(env.remote, shell, { runDir, keep: false, graceMs: 500 });
  expect(cleaned.swept).toEqual([{ pid: expect.any(Number), command: 'sleep 300', survived: false }]);
  expect(cleaned.problems).toEqual([]);
  expect(cleaned.removed).toBe(true);
});

it('keeps the directory when asked, but still stops the processes', async () => {
  const runDir = await stage('keep');
  const pidFile = shell.joinPath(runDir, 'pids', 'stray.pid');
  await env.remote.exec(shell.startBackground({ argv: ['sleep', '300'], cwd: runDir, logFile: shell.joinPath(runDir, 'stray.log'), pidFile, sudo: false }), { timeoutMs: 10_000 });
  const cleaned = await cleanupHost(env.remote, shell, { runDir, keep: true, graceMs: 500 });
  expect(cleaned.stopped.map((s) => s.outcome)).toEqual(['term']);
  expect(existsSync(runDir)).toBe(true);
  expect((await findLeftoverRuns(env.remote, shell, env.workdir)).find((r) => r.runDir === runDir)?.groups).toEqual([{ pid: expect.any(Number), alive: false }]);
  await cleanupHost(env.remote, shell, { runDir, keep: false });
  expect(existsSync(runDir)).toBe(false);
});

it('refuses to remove a directory it did not make, and says so', async () => {
  const foreign = join(env.workdir, 'smoke-foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'precious'), 'x');
  const cleaned = await cleanupHost(env.remote, shell, { runDir: foreign, keep: false });
  expect(cleaned.removed).toBe(false);
  expect(cleaned.problems).toEqual([`could not remove ${foreign} on ${env.host.name}: refusing to remove ${foreign}: not a directory with a .smoke-run marker`]);
  expect(existsSync(join(foreign, 'precious'))).toBe(true);
  expect(await findLeftoverRuns(env.remote, shell, env.workdir)).toEqual([]);
});
