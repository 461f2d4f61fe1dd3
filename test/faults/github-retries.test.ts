import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import type { RecordedRequest } from '../../src/sandbox/fake-github/index.ts';
import { SANDBOX_BODY } from '../../src/sandbox/sandbox.ts';
import { runCli, type CliRun } from '../support/cli-io.ts';
import { entries, faultWorld, sectionData, standInProcesses, type FaultWorld } from './fault-world.ts';

// GitHub's answers fail for a while; a run retries and still reaches the verdict the bytes deserve.

let world: FaultWorld;
let runs = 0;

beforeAll(async () => {
  world = await faultWorld();
}, 180_000);

afterAll(async () => {
  await world.close();
});

const LISTING = /^GET \/repos\/[^/]+\/[^/]+\/releases(\?|$)/;
const ASSET_API = /^GET \/repos\/[^/]+\/[^/]+\/releases\/assets\/\d+$/;

interface Run extends CliRun {
  report: RunReport;
  cache: string;
  requests: RecordedRequest[];
}

/**
 * `smoke run` for linux/amd64 alone, with its own download cache. checksums.txt is put in the
 * cache beforehand, as an earlier run would have left it, so the archive is the only download
 * and a storage fault hits it.
 */
async function runLinux(): Promise<Run> {
  const { sb } = world;
  runs += 1;
  const cache = join(world.dir, `cache-${runs}`);
  const sums = sb.fake.release(sb.releaseId).assets.find((a) => a.name === basename(sb.release.checksumsPath))!;
  const sha = createHash('sha256').update(await readFile(sb.release.checksumsPath)).digest('hex');
  await mkdir(join(cache, `${sums.id}-${sha}`), { recursive: true });
  await copyFile(sb.release.checksumsPath, join(cache, `${sums.id}-${sha}`, sums.name));

  const before = sb.fake.requests.length;
  const env = { ...sb.env, SMOKE_CACHE_DIR: cache, SMOKE_GITHUB_RETRY_BASE_MS: '5' };
  const argv = ['run', 'v0.0.1', '--platform', 'linux/amd64', '--config', sb.configPath, '--reports', join(world.dir, 'reports'), '--json'];
  const run = await runCli(argv, env);
  expect(run.stderr).not.toContain('internal error');
  return { ...run, report: JSON.parse(run.stdout) as RunReport, cache, requests: sb.fake.requests.slice(before) };
}

/** What every run must leave behind, whatever its verdict. */
function expectCleanHostsAndBody(): void {
  const { sb } = world;
  expect(entries(join(world.dir, 'work'))).toEqual([]);
  for (const sshd of sb.hosts.values()) expect(standInProcesses(sshd.pid)).toEqual([]);
  expect((sb.fake.release(sb.releaseId).body ?? '').startsWith(SANDBOX_BODY)).toBe(true);
  // Not left `testing`: pending only as a finished result naming the platforms this run did not test.
  const [latest] = sb.fake.statuses(sb.commit);
  if (latest?.state === 'pending') expect(latest.description).toContain('untested: linux/arm64, windows/amd64, darwin/arm64');
}

function expectPassed(run: Run): void {
  expect(run.code, run.stderr).toBe(0);
  expect(run.report.verdict).toBe('pass');
  expect(world.sb.fake.statuses(world.sb.commit)[0]).toMatchObject({ state: 'pending', description: '1/4 platforms passed; untested: linux/arm64, windows/amd64, darwin/arm64' });
  expect(sectionData(world.sb)).toMatchObject({ state: 'done', verdict: 'pass', runId: run.report.runId });
  expectCleanHostsAndBody();
}

const line = (r: RecordedRequest) => `${r.method} ${r.path}`;

/** Every file under `dir`, relative. */
async function files(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true, withFileTypes: true });
  return found.filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name).slice(dir.length + 1));
}

describe('GitHub failing for a while', () => {
  it('5xx on the listing (three times) and on the asset download (once): retried, and the run passes', async () => {
    world.sb.fake.fault({ kind: 'status', status: 500, times: 2, match: LISTING });
    world.sb.fake.fault({ kind: 'status', status: 502, times: 1, match: LISTING });
    world.sb.fake.fault({ kind: 'status', status: 502, times: 1, match: ASSET_API });
    const run = await runLinux();
    expectPassed(run);
    const listing = run.requests.filter((r) => r.origin === 'api' && LISTING.test(line(r)));
    expect(listing.slice(0, 4).map((r) => r.status)).toEqual([500, 500, 502, 200]);
    const asset = run.requests.filter((r) => r.origin === 'api' && ASSET_API.test(line(r)));
    expect(asset.map((r) => r.status)).toEqual([502, 302]);
    // Each retry is said, in the run's own log (plain lines here: no terminal).
    const retries = run.stderr.split('\n').filter((l) => l.includes('; retry '));
    expect(retries.map((l) => l.replace(/^\S+ /, '').replace(/ in \d+ ms$/, ''))).toEqual([
      'warning: GitHub GET /repos/ephpm/ephemerd/releases: HTTP 500; retry 1 of 3',
      'warning: GitHub GET /repos/ephpm/ephemerd/releases: HTTP 500; retry 2 of 3',
      'warning: GitHub GET /repos/ephpm/ephemerd/releases: HTTP 502; retry 3 of 3',
      expect.stringMatching(/^warning: GitHub GET \/repos\/ephpm\/ephemerd\/releases\/assets\/\d+: HTTP 502; retry 1 of 3$/),
    ]);
  });

  it('a secondary rate limit with Retry-After: 1 is waited out and retried, and the run passes', async () => {
    world.sb.fake.fault({ kind: 'secondary-rate-limit', retryAfterSeconds: 1, times: 1, match: LISTING });
    const run = await runLinux();
    expectPassed(run);
    const listing = run.requests.filter((r) => r.origin === 'api' && LISTING.test(line(r)));
    expect(listing[0]).toMatchObject({ status: 403, rateLimited: true });
    expect(listing[1]?.status).toBe(200);
  });

  it('the storage redirect answering 403 once (an expired signed URL): downloaded again, and the run passes', async () => {
    world.sb.fake.fault({ kind: 'storage-status', status: 403, times: 1 });
    const run = await runLinux();
    expectPassed(run);
    expect(run.requests.filter((r) => r.origin === 'storage').map((r) => r.status)).toEqual([403, 200]);
    expect(run.stderr).toContain('downloading ephemerd_');
  });
});

describe('a download cut off halfway', () => {
  const archiveSize = () => world.sb.release.assets.find((a) => a.platform === 'linux/amd64')!.size;

  it('cut once: downloaded again, and the run passes', async () => {
    world.sb.fake.fault({ kind: 'truncate', afterBytes: Math.floor(archiveSize() / 2), times: 1 });
    const run = await runLinux();
    expectPassed(run);
    expect(run.requests.filter((r) => r.origin === 'storage')).toHaveLength(2);
    expect(run.report.platforms[0]?.checks.find((c) => c.name === 'asset')?.status).toBe('pass');
  });

  it('cut every time: the asset check is an error (exit 3), no partial file is left, and the status says error', async () => {
    world.sb.fake.fault({ kind: 'truncate', afterBytes: Math.floor(archiveSize() / 2), times: 2 });
    const run = await runLinux();
    expect(run.code, run.stderr).toBe(3);
    expect(run.report.verdict).toBe('error');
    const asset = run.report.platforms[0]?.checks.find((c) => c.name === 'asset');
    expect(asset?.status).toBe('error');
    expect(asset?.detail).toMatch(/ephemerd_.*linux_amd64.*after one retry/);
    expect(run.requests.filter((r) => r.origin === 'storage')).toHaveLength(2);
    // Only the seeded checksums.txt is in the cache: no partial and no truncated archive.
    expect((await files(run.cache)).filter((f) => !f.endsWith('checksums.txt'))).toEqual([]);
    const status = world.sb.fake.statuses(world.sb.commit)[0];
    expect(status?.state).toBe('error');
    expect(status?.description).toContain('linux/amd64');
    expect(sectionData(world.sb)).toMatchObject({ state: 'done', verdict: 'error', runId: run.report.runId });
    expectCleanHostsAndBody();
  });
});
