import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDraftLocally } from '../../src/cache/draft-lock.ts';
import { EPHEMERD_PLATFORMS, type PlatformId } from '../../src/domain/platform.ts';
import type { RunReport } from '../../src/domain/report.ts';
import { extractSection, findSections, parseSectionData } from '../../src/posting/body-section.ts';
import { SANDBOX_BODY, startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { buildFixtureRelease } from '../../src/sandbox/stand-in/release.ts';
import { gitHubFor } from '../github/github-on-fake.ts';
import { runCli, type CliRun } from '../support/cli-io.ts';

// The sharded form of issue 20, end to end through the real CLI: the fake GitHub over HTTP and
// `transport: local` hosts (each shard's runner is its own host, as in examples/sharded.yml).
// Two drafts in one world: v0.0.1 is good on every platform; v0.0.2's darwin/arm64 build exits at
// boot with the empty-kernel message. Cases run in order and share the world (and its shards).

const ALL = [...EPHEMERD_PLATFORMS];
let sb: Sandbox;
let dir: string;
/** Each draft's release id and commit. */
const drafts = new Map<string, { id: number; commit: string }>();
/** Each draft's shard reports, one per platform: `<dir>/shards/<tag>/<os-arch>/<tag>/<run-id>/report.json`. */
const shards = new Map<string, Map<PlatformId, string>>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoke-sharded-'));
  sb = await startSandbox({ dir, transport: 'local', probes: { boot: { timeoutSeconds: 10, healthz: true, stopGraceSeconds: 3 } } });
  drafts.set('v0.0.1', { id: sb.releaseId, commit: sb.commit });
  drafts.set('v0.0.2', await addBrokenDraft('v0.0.2'));
  // Every shard as a matrix job runs it: one platform, nothing posted, its own reports folder (its artifact).
  for (const tag of drafts.keys()) {
    const byPlatform = new Map<PlatformId, string>();
    for (const platform of ALL) {
      const out = join(dir, 'shards', tag, platform.replace('/', '-'));
      const shard = await runCli(['run', tag, '--platform', platform, '--no-post', '--config', sb.configPath, '--reports', out], sb.env);
      expect(shard.stderr).not.toContain('internal error');
      expect(shard.code, shard.stderr).toBe(tag === 'v0.0.2' && platform === 'darwin/arm64' ? 1 : 0);
      byPlatform.set(platform, await onlyReport(out));
    }
    shards.set(tag, byPlatform);
  }
}, 300_000);

afterAll(async () => {
  await sb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A second draft in the same fake, at its own commit, whose darwin/arm64 build is broken. */
async function addBrokenDraft(tag: string): Promise<{ id: number; commit: string }> {
  const commit = createHash('sha1').update(`sandbox ${tag}`).digest('hex');
  const release = await buildFixtureRelease({
    dir: join(dir, `release-${tag}`),
    tag,
    commit,
    platforms: ALL.map((platform) => ({ platform, behaviour: { version: tag, variant: platform === 'darwin/arm64' ? 'empty-kernel-exit' : 'good' } })),
  });
  sb.fake.setBranch(`release-${tag}`, commit);
  const draft = sb.fake.addRelease({ tag_name: tag, draft: true, target_commitish: `release-${tag}`, name: `ephemerd ${tag}`, body: SANDBOX_BODY });
  for (const asset of release.assets) sb.fake.addAsset(draft.id, { name: asset.name, file: asset.path });
  sb.fake.addAsset(draft.id, { name: basename(release.checksumsPath), file: release.checksumsPath });
  return { id: draft.id, commit };
}

async function onlyReport(folder: string): Promise<string> {
  const found = (await readdir(folder, { recursive: true })).filter((f) => f.endsWith('report.json'));
  expect(found).toHaveLength(1);
  return join(folder, found[0]!);
}

function shardFiles(tag: string, platforms: readonly PlatformId[] = ALL): string[] {
  return platforms.map((p) => shards.get(tag)!.get(p)!);
}

async function merge(args: string[]): Promise<CliRun & { report: RunReport | undefined }> {
  const run = await runCli(['merge', ...args, '--config', sb.configPath, '--reports', join(dir, 'merged'), '--json'], sb.env);
  expect(run.stderr).not.toContain('internal error');
  expect(run.stderr).not.toMatch(/\n\s+at /); // never a stack trace
  return { ...run, report: run.stdout === '' ? undefined : (JSON.parse(run.stdout) as RunReport) };
}

function body(tag: string): string {
  return sb.fake.release(drafts.get(tag)!.id).body ?? '';
}

function rows(tag: string) {
  return parseSectionData(extractSection(body(tag)) ?? '')?.platforms ?? [];
}

function latestStatus(tag: string) {
  return sb.fake.statuses(drafts.get(tag)!.commit)[0];
}

async function gate(tag: string): Promise<CliRun> {
  return runCli(['gate', tag, '--config', sb.configPath], sb.env);
}

/** Writes to GitHub so far: body edits and commit statuses. */
function writes(): number {
  return sb.fake.requests.filter((r) => r.origin === 'api' && (r.method === 'PATCH' || r.method === 'POST')).length;
}

/** A copy of a shard's report with `change` applied, as a file of its own. */
async function forged(from: string, name: string, change: (r: RunReport) => void): Promise<string> {
  const report = JSON.parse(await readFile(from, 'utf8')) as RunReport;
  change(report);
  await mkdir(join(dir, 'forged'), { recursive: true });
  const path = join(dir, 'forged', name);
  await writeFile(path, JSON.stringify(report));
  return path;
}

describe('sharded runs: four --no-post shards and one merge, or four posting shards (fake GitHub, transport: local)', { timeout: 180_000 }, () => {
  it('the shards posted nothing: no body edit, no status', () => {
    expect(writes()).toBe(0);
    expect(body('v0.0.1')).toBe(SANDBOX_BODY);
  });

  it('refuses reports that do not belong together, naming the files and the values, and posts nothing', async () => {
    const amd64 = shards.get('v0.0.1')!.get('linux/amd64')!;
    const arm64 = shards.get('v0.0.1')!.get('linux/arm64')!;

    const otherCommit = await forged(amd64, 'other-commit.json', (r) => void (r.commit = 'c'.repeat(40)));
    const commits = await merge([otherCommit, arm64]);
    expect(commits.code).toBe(2);
    expect(commits.stderr).toContain(`the reports are of different commits: ${'c'.repeat(40)} in ${otherCommit}; ${drafts.get('v0.0.1')!.commit} in ${arm64}`);
    expect(commits.stderr).toContain('nothing was posted');

    const asset = sb.release.assets.find((a) => a.platform === 'linux/amd64')!;
    const otherBytes = await forged(amd64, 'other-digest.json', (r) => {
      r.platforms[0]!.sha256 = 'd'.repeat(64);
      r.assetDigests = { [asset.name]: 'd'.repeat(64) };
    });
    const digests = await merge([amd64, otherBytes]);
    expect(digests.code).toBe(2);
    expect(digests.stderr).toContain(`the reports give different sha256 for ${asset.name}: ${asset.sha256} in ${amd64}; ${'d'.repeat(64)} in ${otherBytes}`);
    // Every reason, numbered, on one line.
    expect(digests.stderr).toMatch(/^smoke: cannot merge these reports: \(1\) the reports give different sha256 .*; \(2\) two results for linux\/amd64: .*; nothing was posted\n$/);

    const failedAgain = await forged(amd64, 'other-result.json', (r) => {
      r.runId = 'another-run';
      r.verdict = 'fail';
      r.platforms[0]!.verdict = 'fail';
      r.platforms[0]!.checks.at(-1)!.status = 'fail';
    });
    const twice = await merge([amd64, failedAgain]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`two results for linux/amd64: ${amd64} (run `);
    expect(twice.stderr).toContain(`pass) and ${failedAgain} (run another-run, fail)`);

    const notJson = join(dir, 'forged', 'truncated.json');
    await writeFile(notJson, (await readFile(amd64, 'utf8')).slice(0, 200));
    const broken = await merge([arm64, notJson]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(new RegExp(`^smoke: ${escape(notJson)}: not JSON \\(`, 'm'));
    const wrongShape = await forged(amd64, 'wrong-shape.json', (r) => void ((r as unknown as Record<string, unknown>).platforms = 'all'));
    const shape = await merge([wrongShape]);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain(`${wrongShape}: not a smoke report.json (schema 1): platforms: `);

    const gone = await forged(amd64, 'no-such-draft.json', (r) => void (r.tag = 'v9.9.9'));
    const noDraft = await merge([gone]);
    expect(noDraft.code).toBe(3);
    expect(noDraft.stderr).toContain('no draft release with tag v9.9.9');

    expect(writes()).toBe(0);
    expect(sb.fake.statuses(drafts.get('v0.0.1')!.commit)).toEqual([]);
    expect(body('v0.0.1')).toBe(SANDBOX_BODY);
  });

  it('three of four shards merged: not green; the status and the gate name the missing platform', async () => {
    const three = await merge(shardFiles('v0.0.1', ALL.slice(0, 3)));
    expect(three.code, three.stderr).toBe(3);
    expect(three.report?.verdict).toBe('error');
    expect(rows('v0.0.1').map((r) => [r.platform, r.verdict])).toEqual(ALL.slice(0, 3).map((p) => [p, 'pass']));
    expect(latestStatus('v0.0.1')).toMatchObject({ state: 'pending', description: '3/4 platforms passed; untested: darwin/arm64' });
    const closed = await gate('v0.0.1');
    expect(closed.code).toBe(1);
    expect(closed.stdout).toContain('untested: darwin/arm64');
  });

  it('a merge waits for no one: while another run holds the draft it posts nothing', async () => {
    const lock = await lockDraftLocally(join(sb.env.SMOKE_CACHE_DIR!, '.locks'), 'ephpm/ephemerd', 'v0.0.1', { runId: 'a-run-testing-it', since: new Date().toISOString() });
    expect(lock.ok).toBe(true);
    const before = writes();
    try {
      const busy = await merge(shardFiles('v0.0.1'));
      expect(busy.code).toBe(3);
      expect(busy.stderr).toContain('another smoke run is testing v0.0.1 (run a-run-testing-it');
    } finally {
      if (lock.ok) await lock.release();
    }
    expect(writes()).toBe(before);
  });

  it('four shards merged (their artifacts\' folder): one section, four rows, status success, the gate open', async () => {
    const all = await merge([join(dir, 'shards', 'v0.0.1')]);
    expect(all.code, all.stderr).toBe(0);
    const report = all.report!;
    expect(report.verdict).toBe('pass');
    expect(report.platforms.map((p) => [p.platform, p.verdict])).toEqual(ALL.map((p) => [p, 'pass']));
    const shardReports = await Promise.all(shardFiles('v0.0.1').map(async (f) => JSON.parse(await readFile(f, 'utf8')) as RunReport));
    expect(report.startedAt).toBe(shardReports.map((r) => r.startedAt).sort()[0]);
    expect(report.finishedAt).toBe(shardReports.map((r) => r.finishedAt).sort().at(-1));
    expect(shardReports.map((r) => r.runId)).not.toContain(report.runId);
    expect(await readFile(join(dir, 'merged', 'v0.0.1', report.runId, 'report.json'), 'utf8')).toContain(`"runId": "${report.runId}"`);

    const text = body('v0.0.1');
    expect(text.startsWith(SANDBOX_BODY)).toBe(true);
    expect(findSections(text)).toHaveLength(1);
    expect(rows('v0.0.1').map((r) => [r.platform, r.verdict, r.runId])).toEqual(ALL.map((p) => [p, 'pass', report.runId]));
    for (const p of ALL) expect(extractSection(text)).toContain(`| ${p} |`);
    expect(latestStatus('v0.0.1')).toMatchObject({ state: 'success', description: '4/4 platforms passed' });
    const open = await gate('v0.0.1');
    expect(open.code, open.stdout).toBe(0);
    expect(open.stdout).toContain(`gate: open: run ${report.runId} passed every platform`);
  });

  it('one platform broken (v0.0.2): the merge fails, the section names it among four rows, the gate stays closed', async () => {
    const broken = await merge(shardFiles('v0.0.2'));
    expect(broken.code, broken.stderr).toBe(1);
    expect(broken.report?.verdict).toBe('fail');
    expect(findSections(body('v0.0.2'))).toHaveLength(1);
    expect(rows('v0.0.2').map((r) => [r.platform, r.verdict])).toEqual(ALL.map((p) => [p, p === 'darwin/arm64' ? 'fail' : 'pass']));
    expect(extractSection(body('v0.0.2'))).toMatch(/\| darwin\/arm64 \| sandbox-darwin-arm64 \| ❌ fail \|/);
    expect(latestStatus('v0.0.2')).toMatchObject({ state: 'failure', description: 'darwin/arm64: boot failed' });
    const closed = await gate('v0.0.2');
    expect(closed.code).toBe(1);
    expect(closed.stdout).toContain('darwin/arm64 failed at boot');
  });

  it('four posting shards, one after another: one section, four rows, success only once all four passed', async () => {
    for (const tag of drafts.keys()) {
      // A fresh body, as before the draft's first test: the rows of the merges above would otherwise stand.
      await gitHubFor(sb.fake, sb.env.GITHUB_TOKEN!).updateReleaseBody(drafts.get(tag)!.id, SANDBOX_BODY);
      for (const [i, platform] of ALL.entries()) {
        const shard = await runCli(['run', tag, '--platform', platform, '--config', sb.configPath, '--reports', join(dir, 'posting')], sb.env);
        expect(shard.stderr).not.toContain('internal error');
        expect(findSections(body(tag))).toHaveLength(1);
        expect(rows(tag).map((r) => r.platform)).toEqual(ALL.slice(0, i + 1));
        const status = latestStatus(tag)!;
        const closed = await gate(tag);
        if (i < ALL.length - 1) {
          expect(status).toMatchObject({ state: 'pending', description: `${i + 1}/4 platforms passed; untested: ${ALL.slice(i + 1).join(', ')}` });
          expect(closed.code).toBe(1);
        }
      }
      expect(new Set(rows(tag).map((r) => r.runId)).size).toBe(4);
    }
    expect(latestStatus('v0.0.1')).toMatchObject({ state: 'success', description: '4/4 platforms passed' });
    expect((await gate('v0.0.1')).code).toBe(0);
    expect(latestStatus('v0.0.2')).toMatchObject({ state: 'failure', description: 'darwin/arm64: boot failed' });
    expect((await gate('v0.0.2')).code).toBe(1);
  });

  it('a draft re-uploaded after the shards ran: their merge is not a pass', async () => {
    const windows = sb.release.assets.find((a) => a.platform === 'windows/amd64')!;
    const draft = sb.fake.release(sb.releaseId);
    sb.fake.removeAsset(draft.assets.find((a) => a.name === windows.name)!.id);
    sb.fake.addAsset(sb.releaseId, { name: windows.name, content: 'other bytes' });
    const stale = await merge(shardFiles('v0.0.1'));
    expect(stale.code, stale.stderr).toBe(3);
    expect(stale.report).toMatchObject({ verdict: 'error', stale: [windows.name] });
    expect(stale.stderr).toContain(`stale result: ${windows.name} changed on the draft since the shards tested them`);
    expect(latestStatus('v0.0.1')).toMatchObject({ state: 'error' });
    expect(latestStatus('v0.0.1')!.description).toContain(`stale: ${windows.name}`);
    const closed = await gate('v0.0.1');
    expect(closed.code).toBe(1);
    expect(closed.stdout).toContain(`${windows.name} was re-uploaded since it was tested`);
  });

  it('a draft moved to another commit, or published, since the shards ran: exit 3 saying so, nothing posted', async () => {
    const before = writes();
    sb.fake.setBranch('main', 'e'.repeat(40));
    const moved = await merge(shardFiles('v0.0.1'));
    expect(moved.code).toBe(3);
    expect(moved.stderr).toContain(`smoke: the draft v0.0.1 now points at commit ${'e'.repeat(12)}, the shards tested ${drafts.get('v0.0.1')!.commit.slice(0, 12)}: run the shards again; nothing was posted`);
    expect(writes()).toBe(before);

    // A person publishes v0.0.2 (as `gh release edit v0.0.2 --draft=false` would).
    const published = await fetch(`${sb.fake.url}/repos/ephpm/ephemerd/releases/${drafts.get('v0.0.2')!.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${sb.env.GITHUB_TOKEN}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' },
      body: JSON.stringify({ draft: false }),
    });
    expect(published.status).toBe(200);
    const after = writes();
    const late = await merge(shardFiles('v0.0.2'));
    expect(late.code).toBe(3);
    expect(late.stderr).toContain('smoke: v0.0.2 is no longer a draft: it was published after the shards ran; nothing was posted');
    expect(writes()).toBe(after);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
