import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformId } from '../../src/domain/platform.ts';
import type { RunReport } from '../../src/domain/report.ts';
import { standInContent, type StandInBinaryOptions, type StandInContent } from '../../src/sandbox/stand-in/binary.ts';
import { writeSingleFileTarGz } from '../../src/sandbox/stand-in/write-tar-gz.ts';
import { writeSingleFileZip } from '../../src/sandbox/stand-in/write-zip.ts';
import { forbiddenWrites } from '../e2e/publish-guard.ts';
import { runCli } from '../support/cli-io.ts';
import { cell, startBadDraft, type BadDraft } from './bad-draft.ts';

// The static checks (`build`, `signature`) judge a platform's binary before any host, and a
// platform without a host in hosts.yaml: the sandbox keeps only its linux/amd64 host here.

let bad: BadDraft;
beforeAll(async () => {
  bad = await startBadDraft();
  const raw = parse(await readFile(bad.sb.configPath, 'utf8')) as { hosts: Array<{ platform: string }> };
  await writeFile(bad.sb.configPath, stringify({ ...raw, hosts: raw.hosts.filter((h) => h.platform === 'linux/amd64') }));
});
afterAll(() => bad.close());

const TAG = 'v0.0.1';
let n = 0;

/** A stand-in archive for `platform`, as the sandbox builds them unless `options` say otherwise. */
async function archive(platform: PlatformId, options: Partial<StandInBinaryOptions> = {}, edit?: (content: StandInContent) => StandInContent): Promise<string> {
  const path = join(bad.dir, `static-${++n}`);
  const base = standInContent({ platform, behaviour: { version: TAG, variant: 'good' }, build: { stamp: TAG, commit: bad.sb.commit }, ...options });
  const content = edit ? edit(base) : base;
  if (platform.startsWith('windows/')) await writeSingleFileZip(path, 'ephemerd.exe', content, new Date(0));
  else await writeSingleFileTarGz(path, 'ephemerd', content, new Date(0));
  return path;
}

/** The content with one byte flipped at `offset`: what a change after signing looks like. */
function flipByte(offset: number): (content: StandInContent) => StandInContent {
  return (content) => ({
    ...content,
    *chunks() {
      let at = 0;
      for (const chunk of content.chunks()) {
        if (offset >= at && offset < at + chunk.length) {
          const copy = Buffer.from(chunk);
          copy[offset - at] = copy[offset - at]! ^ 0xff;
          yield copy;
        } else yield chunk;
        at += chunk.length;
      }
    },
  });
}

/** Exit 1, `check` fails with every word in its detail, nothing later ran, no host touched. */
async function expectStaticFail(platform: PlatformId, path: string, check: string, ...words: string[]): Promise<RunReport> {
  bad.setArchive(platform, path);
  const run = await bad.run(platform);
  expect(run.stderr).not.toContain('internal error');
  expect(run.code, run.stderr).toBe(1);
  if (check !== 'archive') expect(cell(run.report, platform, 'archive')?.status).toBe('pass');
  const failed = cell(run.report, platform, check);
  expect(failed?.status, failed?.detail).toBe('fail');
  for (const w of words) expect(`${failed?.detail}\n${failed?.excerpt ?? ''}`).toContain(w);
  expect(cell(run.report, platform, 'upload')).toMatchObject({ status: 'skipped' });
  expect(run.report?.platforms[0]?.host).toBeNull();
  expect(bad.workdirEntries()).toEqual([]);
  return run.report!;
}

describe('`build` reads the Go build info before any host', () => {
  it('fails a windows/amd64 binary stamped dev, with no Windows host configured', async () => {
    await expectStaticFail('windows/amd64', await archive('windows/amd64', { build: { stamp: 'dev', commit: bad.sb.commit } }), 'build', 'stamped dev', `expected ${TAG}`);
  });

  it('fails a Linux binary built from another commit', async () => {
    const other = 'f'.repeat(40);
    await expectStaticFail('linux/amd64', await archive('linux/amd64', { build: { stamp: TAG, commit: other } }), 'build', `built from commit ${other}`, bad.sb.commit);
  });

  it('fails a Linux binary built from a modified tree', async () => {
    await expectStaticFail('linux/amd64', await archive('linux/amd64', { build: { stamp: TAG, commit: bad.sb.commit, modified: true } }), 'build', 'modified tree');
  });

  it('passes a good Linux build and then runs it on its host', async () => {
    bad.setArchive('linux/amd64', await archive('linux/amd64'));
    const run = await bad.run('linux/amd64');
    expect(run.code, run.stderr).toBe(0);
    expect(cell(run.report, 'linux/amd64', 'build')).toMatchObject({ status: 'pass' });
    expect(cell(run.report, 'linux/amd64', 'build')?.detail).toContain(`commit ${bad.sb.commit.slice(0, 12)}`);
    expect(cell(run.report, 'linux/amd64', 'boot')).toMatchObject({ status: 'pass' });
  });
});

describe('`signature` verifies a darwin binary with no Mac configured', () => {
  it('fails one without the virtualization entitlement, naming it', async () => {
    await expectStaticFail('darwin/arm64', await archive('darwin/arm64', { entitlements: [] }), 'signature', 'missing entitlement com.apple.security.virtualization');
  });

  it('fails one with a byte changed after signing, naming the page', async () => {
    // Byte 5000 lies in the second 4 KiB page (page 1).
    await expectStaticFail('darwin/arm64', await archive('darwin/arm64', { sizeBytes: 64 * 1024 }, flipByte(5000)), 'signature', 'page 1');
  });

  it('passes a correctly signed one; without a host its row is error, never green', async () => {
    bad.setArchive('darwin/arm64', await archive('darwin/arm64', { sizeBytes: 64 * 1024 }));
    const run = await bad.run('darwin/arm64');
    expect(run.code, run.stderr).toBe(3);
    expect(cell(run.report, 'darwin/arm64', 'build')).toMatchObject({ status: 'pass' });
    expect(cell(run.report, 'darwin/arm64', 'signature')?.detail).toContain('com.apple.security.virtualization');
    expect(cell(run.report, 'darwin/arm64', 'signature')).toMatchObject({ status: 'pass' });
    expect(cell(run.report, 'darwin/arm64', 'upload')).toMatchObject({ status: 'error', detail: 'no host for darwin/arm64 in hosts.yaml' });
    expect(cell(run.report, 'darwin/arm64', 'version')).toMatchObject({ status: 'skipped' });
    expect(run.report?.verdict).toBe('error');
  });
});

describe('platforms without a host', () => {
  it('--platform linux/amd64 with only a linux/amd64 host runs and posts', async () => {
    bad.setArchive('linux/amd64', await archive('linux/amd64'));
    const run = await bad.run('linux/amd64', true);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('no host for');
    expect(bad.sb.fake.release(bad.sb.releaseId).body).toContain('linux/amd64');
  });

  it('all four platforms and one host: the other rows are error (or fail from a static check), posted, exit 1 or 3', async () => {
    for (const platform of ['linux/arm64', 'windows/amd64', 'darwin/arm64'] as const) bad.setArchive(platform, await archive(platform));
    const argv = ['run', TAG, '--config', bad.sb.configPath, '--reports', join(bad.dir, 'reports'), '--json'];
    const run = await runCli(argv, bad.sb.env);
    expect(run.code, run.stderr).toBe(3);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.platforms.map((p) => [p.platform, p.verdict])).toEqual([
      ['linux/amd64', 'pass'],
      ['linux/arm64', 'error'],
      ['windows/amd64', 'error'],
      ['darwin/arm64', 'error'],
    ]);
    for (const platform of ['linux/arm64', 'windows/amd64', 'darwin/arm64'] as const) {
      expect(cell(report, platform, 'build')).toMatchObject({ status: 'pass' });
      expect(cell(report, platform, 'upload')).toMatchObject({ status: 'error', detail: `no host for ${platform} in hosts.yaml` });
      expect(run.stderr).toContain(`no host for ${platform} in hosts.yaml`);
    }
    const body = bad.sb.fake.release(bad.sb.releaseId).body ?? '';
    expect(body).toContain('no host for windows/amd64 in hosts.yaml');
    // Newest first, as GitHub lists them.
    expect(bad.sb.fake.statuses(bad.sb.commit)[0]?.state).toBe('error');

    // A static failure on a hostless platform makes the run fail (exit 1), not error.
    bad.setArchive('windows/amd64', await archive('windows/amd64', { build: { stamp: 'dev', commit: bad.sb.commit } }));
    const failed = await runCli([...argv, '--no-post'], bad.sb.env);
    expect(failed.code, failed.stderr).toBe(1);
    const failedReport = JSON.parse(failed.stdout) as RunReport;
    expect(failedReport.platforms.find((p) => p.platform === 'windows/amd64')?.verdict).toBe('fail');
    expect(forbiddenWrites(bad.sb.fake)).toEqual([]);
  });
});

describe('`archive` compares the size with the same platform in the last published release', () => {
  it('fails an archive 100 MB larger than v0.0.0’s, naming both sizes; notes a platform v0.0.0 lacks', async () => {
    const small = await archive('linux/amd64');
    const published = bad.sb.fake.addRelease({ tag_name: 'v0.0.0', draft: false, target_commitish: 'main' });
    published.addAsset({ name: 'ephemerd_v0.0.0_linux_amd64.tar.gz', file: small });
    const smallSize = (await readFile(small)).length;

    bad.setArchive('linux/amd64', small);
    const same = await bad.run('linux/amd64');
    expect(same.code, same.stderr).toBe(0);
    expect(cell(same.report, 'linux/amd64', 'archive')?.excerpt).toContain('within ±25%');

    // Random padding does not compress: the archive is as large as the binary.
    const big = await archive('linux/amd64', { sizeBytes: 100 * 1024 * 1024, padding: 'random' });
    const bigSize = (await stat(big)).size;
    const report = await expectStaticFail('linux/amd64', big, 'archive', `(${bigSize} bytes)`, `v0.0.0's ephemerd_v0.0.0_linux_amd64.tar.gz was`, `(${smallSize} bytes)`, 'release.sizeChangeRatio');
    expect(cell(report, 'linux/amd64', 'build')).toMatchObject({ status: 'skipped' });

    bad.setArchive('linux/arm64', await archive('linux/arm64'));
    const noted = await bad.run('linux/arm64');
    expect(cell(noted.report, 'linux/arm64', 'archive')).toMatchObject({ status: 'pass', excerpt: 'v0.0.0 has no archive for this platform: size not compared' });
  });
});
