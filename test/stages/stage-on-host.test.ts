import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { probeSignature } from '../../src/probes/signature.ts';
import { posixShell as shell } from '../../src/shells/posix.ts';
import { cleanupHost } from '../../src/stages/cleanup-host.ts';
import { stageOnHost, type StageOnHostInput } from '../../src/stages/stage-on-host.ts';
import { startStandInHost, type StandInHost } from '../probes/stand-in-host.ts';

let env: StandInHost;
beforeAll(async () => {
  env = await startStandInHost(['good']);
});
afterAll(async () => {
  await env?.stop();
});

function input(overrides: Partial<StageOnHostInput> = {}): StageOnHostInput {
  const good = env.archives.get('good')!;
  return { localArchive: good.path, assetName: good.name, expectedSha256: good.sha256, binaryName: 'ephemerd', platform: 'linux/amd64', runId: 'stage', ...overrides };
}

it('stages into a fresh, marked run dir named after the run, reporting upload progress', async () => {
  const progress: number[] = [];
  const staged = await stageOnHost(env.remote, shell, input({ runId: 'run-42', onProgress: (bytes) => progress.push(bytes) }));
  try {
    expect(staged.check).toMatchObject({ name: 'upload', status: 'pass' });
    expect(staged.runDir!.startsWith(join(env.workdir, 'smoke-run-42-'))).toBe(true);
    expect(staged.binaryPath).toBe(join(staged.runDir!, 'bin', 'ephemerd'));
    expect(existsSync(staged.binaryPath!)).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(env.archives.get('good')!.size);
  } finally {
    await cleanupHost(env.remote, shell, { runDir: staged.runDir, keep: false });
  }
  expect(existsSync(staged.runDir!)).toBe(false);
});

it('an asset name full of shell syntax arrives as a file name and runs nothing', async () => {
  // Were the name ever run, it would only touch files (never `rm -rf ~`): a broken quote must not cost a home.
  const canary = `smoke-canary-${process.pid}`;
  const name = `'; touch ${canary}-1; '$(touch ${canary}-2)\`touch ${canary}-3\`"; touch ${canary}-4 #.tar.gz`;
  copyFileSync(env.archives.get('good')!.path, join(env.work, 'hostile.tar.gz'));
  const staged = await stageOnHost(env.remote, shell, input({ localArchive: join(env.work, 'hostile.tar.gz'), assetName: name, runId: 'hostile' }));
  try {
    expect(staged.check.status, staged.check.detail).toBe('pass');
    expect(readdirSync(staged.runDir!).sort()).toEqual(['.smoke-run', name, 'bin', 'pids'].sort());
    for (const dir of [homedir(), process.cwd(), staged.runDir!, env.workdir, tmpdir()]) {
      expect(readdirSync(dir).filter((f) => f.startsWith(canary))).toEqual([]);
    }
  } finally {
    await cleanupHost(env.remote, shell, { runDir: staged.runDir, keep: false });
  }
});

it('refuses an asset name that would leave the run dir', async () => {
  const staged = await stageOnHost(env.remote, shell, input({ assetName: '../escape.tar.gz' }));
  expect(staged.check.status).toBe('error');
  expect(staged.check.detail).toMatch(/asset name "\.\.\/escape\.tar\.gz" is not a plain file name/);
  expect(staged.runDir).toBeNull();
});

it('a hash mismatch on the host is a transfer error after one retry; the run dir is returned for cleanup', async () => {
  const good = env.archives.get('good')!;
  const staged = await stageOnHost(env.remote, shell, input({ expectedSha256: '0'.repeat(64), runId: 'mismatch' }));
  expect(staged.check.status).toBe('error');
  expect(staged.check.detail).toBe(`${good.name} arrived on ${env.host.name} with sha256 ${good.sha256}, expected ${'0'.repeat(64)} (after 2 attempts)`);
  await cleanupHost(env.remote, shell, { runDir: staged.runDir, keep: false });
  expect(existsSync(staged.runDir!)).toBe(false);
});

it('a wrong binary name is an error naming what is missing', async () => {
  const staged = await stageOnHost(env.remote, shell, input({ binaryName: 'other', runId: 'noname' }));
  await cleanupHost(env.remote, shell, { runDir: staged.runDir, keep: false });
  expect(staged.check.status).toBe('error');
  expect(staged.check.detail).toMatch(/^other is not in .*\/bin after extracting ephemerd_v0\.0\.1_linux_amd64\.tar\.gz$/);
});

it('a darwin build on a host without codesign has its signature check skipped, with the reason', async () => {
  const staged = await stageOnHost(env.remote, shell, input({ platform: 'darwin/arm64', runId: 'darwin' }));
  const signature = await probeSignature(env.remote, shell, { binaryPath: staged.binaryPath! });
  await cleanupHost(env.remote, shell, { runDir: staged.runDir, keep: false });
  expect(signature).toMatchObject({ name: 'signature', status: 'skipped' });
  expect(signature.detail).toBe(`codesign is not available on ${env.host.name}: entitlements not checked`);
});

it('a hash mismatch extracts nothing on the host', async () => {
  const staged = await stageOnHost(env.remote, shell, input({ expectedSha256: 'f'.repeat(64), runId: 'noextract' }));
  try {
    expect(staged.check.status).toBe('error');
    expect(existsSync(join(staged.runDir!, 'bin'))).toBe(false);
  } finally {
    await cleanupHost(env.remote, shell, { runDir: staged.runDir, keep: false });
  }
});

it('an archive that arrives intact but cannot be extracted is an error naming the extract step', async () => {
  const broken = join(env.work, 'broken.tar.gz');
  writeFileSync(broken, 'not gzip at all');
  const sha = createHash('sha256').update('not gzip at all').digest('hex');
  const staged = await stageOnHost(env.remote, shell, input({ localArchive: broken, expectedSha256: sha, runId: 'broken' }));
  await cleanupHost(env.remote, shell, { runDir: staged.runDir, keep: false });
  expect(staged.check.status).toBe('error');
  expect(staged.check.detail).toMatch(new RegExp(`^host ${env.host.name}: extract ephemerd_v0\\.0\\.1_linux_amd64\\.tar\\.gz: .*gzip`));
  expect(staged.binaryPath).toBeNull();
});
