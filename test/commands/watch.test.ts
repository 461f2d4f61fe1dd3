import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { WatchCliOptions } from '../../src/commands/watch.ts';
import type { CliIo } from '../../src/commands/io.ts';
import { watchCommand } from '../../src/commands/watch.ts';
import { extractSection, parseSectionData } from '../../src/posting/body-section.ts';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import type { StandInVariant } from '../../src/sandbox/stand-in/behaviour.ts';
import { yamlHostFor } from '../support/test-host-config.ts';
import { buildFixtureRelease, type FixtureRelease } from '../../src/sandbox/stand-in/release.ts';
import { startSshd, type SshdHandle } from '../support/sshd.ts';

const TAG = 'v0.0.1';
let dir: string;
let fake: FakeGitHub;
let sshd: SshdHandle;
let configPath: string;
let releaseId: number;
let env: NodeJS.ProcessEnv;

async function fixture(variant: StandInVariant): Promise<FixtureRelease> {
  return buildFixtureRelease({
    dir: join(dir, 'release', variant),
    tag: TAG,
    platforms: [{ platform: 'linux/amd64', behaviour: { version: TAG, variant } }],
  });
}

/** Puts a fixture's archive and checksums.txt on the draft; returns their asset ids. */
function upload(release: FixtureRelease): number[] {
  const archive = release.assets[0]!;
  return [
    fake.addAsset(releaseId, { name: archive.name, file: archive.path }).id,
    fake.addAsset(releaseId, { name: 'checksums.txt', file: release.checksumsPath }).id,
  ];
}

interface Watched {
  code: number;
  err: string;
}

/** Runs `smoke watch` in-process; `stopWhen` sees stderr as it grows and may abort the watch. */
async function watch(extra: Partial<WatchCliOptions>, stopWhen?: (err: string) => boolean): Promise<Watched> {
  const stderr = new PassThrough();
  const controller = new AbortController();
  let err = '';
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    if (stopWhen?.(err)) controller.abort();
  });
  const io: CliIo = { stdout: new PassThrough(), stderr, env, signal: controller.signal };
  const options: WatchCliOptions = { config: configPath, reports: join(dir, 'reports'), interval: 60, post: true, ...extra };
  const code = await watchCommand(options, io);
  return { code, err };
}

const watchOnce = (): Promise<Watched> => watch({ once: true });

const downloads = (from: number) => fake.requests.slice(from).filter((r) => r.operationId === 'repos/get-release-asset' || r.origin === 'storage');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smoke-watch-'));
  fake = await startFakeGitHub();
  sshd = await startSshd();
  fake.setBranch('main', createHash('sha1').update('watch test').digest('hex'));
  releaseId = fake.addRelease({ tag_name: TAG, draft: true, target_commitish: 'main', body: 'Notes by a person.' }).id;
  // A tag that is not ours: watch must leave it alone.
  fake.addRelease({ tag_name: 'deps-linux-virt-6.12.83-r0', draft: true });
  configPath = join(dir, 'hosts.yaml');
  mkdirSync(join(dir, 'host-work'));
  writeFileSync(
    configPath,
    stringify({
      repo: 'ephpm/ephemerd',
      platforms: { 'linux/amd64': { minBinaryBytes: 256 } },
      probes: { boot: { timeoutSeconds: 30, healthz: true, stopGraceSeconds: 5 } },
      hosts: [
        yamlHostFor(sshd, { name: 'amd64-host', platform: 'linux/amd64', workdir: join(dir, 'host-work') }),
      ],
    }),
  );
  env = { GITHUB_API_URL: fake.url, GITHUB_TOKEN: 'push-token', SMOKE_CACHE_DIR: join(dir, 'cache') };
}, 180_000);

afterAll(async () => {
  await sshd?.stop();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('smoke watch --once against the fake GitHub and a real sshd', () => {
  let firstAssets: number[] = [];

  it('waits for a draft whose assets are not uploaded yet, and tests nothing', async () => {
    const from = fake.requests.length;
    const { code, err } = await watchOnce();
    expect(code).toBe(0);
    expect(err).toContain(`${TAG}: waiting: waiting for assets: ephemerd_${TAG}_linux_amd64.tar.gz, checksums.txt`);
    expect(err).not.toContain('deps-linux-virt');
    expect(downloads(from)).toEqual([]);
  });

  it('tests a new draft, posts the result, and exits 0 when it passed', async () => {
    firstAssets = upload(await fixture('good'));
    // --tag looks only at that draft (an action's job per draft): another tag tests nothing.
    const other = await watch({ once: true, tag: ['v9.9.9'] });
    expect(other.code).toBe(0);
    expect(other.err).toContain('no drafts of ephpm/ephemerd to test');
    expect(other.err).not.toContain('testing');
    const { code, err } = await watch({ once: true, tag: [TAG] });
    expect(err).toContain(`${TAG}: testing: never tested`);
    expect(code, err).toBe(0);
    const data = parseSectionData(extractSection(fake.release(releaseId).body ?? null) ?? '');
    expect(data).toMatchObject({ state: 'done', verdict: 'pass', tag: TAG });
    expect(fake.release(releaseId).body).toMatch(/^Notes by a person\./);
  }, 120_000);

  it('does not test it again on the next pass: the posted result says it is current', async () => {
    const from = fake.requests.length;
    const { code, err } = await watchOnce();
    expect(code).toBe(0);
    expect(err).toMatch(new RegExp(`${TAG.replace(/\./g, '\\.')}: skipped: already tested: run \\S+ ended in pass`));
    expect(err).not.toContain('testing');
    expect(downloads(from)).toEqual([]);
    expect(fake.requests.slice(from).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('tests again after an archive is re-uploaded, and exits 1 when the new build fails', async () => {
    for (const id of firstAssets) fake.removeAsset(id);
    upload(await fixture('wrong-version'));
    const from = fake.requests.length;
    const { code, err } = await watchOnce();
    expect(err).toContain(`ephemerd_${TAG}_linux_amd64.tar.gz was re-uploaded since it was tested`);
    expect(code, err).toBe(1);
    expect(downloads(from).length).toBeGreaterThan(0);
    const data = parseSectionData(extractSection(fake.release(releaseId).body ?? null) ?? '');
    expect(data).toMatchObject({ state: 'done', verdict: 'fail' });
  }, 120_000);
});

describe('smoke watch (continuous)', () => {
  it('stops at once on its signal, even in the middle of a long wait, with exit 0', async () => {
    // An hour between polls: only a cancellable wait lets this test end.
    const { code, err } = await watch({ interval: 3600 }, (text) => text.includes(`${TAG}: skipped`));
    expect(code).toBe(0);
    expect(err).toContain('watching ephpm/ephemerd for drafts every 3600s');
    expect(err).toMatch(/watch stopped\n$/);
  });

  it('says each retry of a failing request in its log', async () => {
    fake.fault({ kind: 'status', status: 502, times: 1, match: /\/releases\?/ });
    const { code, err } = await watchOnce();
    expect(code).toBe(0);
    expect(err).toMatch(/ warning: GitHub GET \/repos\/ephpm\/ephemerd\/releases: HTTP 502; retry 1 of 3 in 1 s\n/);
  });

  it('survives a failed poll: warns and lists again at the next interval', async () => {
    fake.fault({ kind: 'primary-rate-limit', resetInSeconds: 3600, match: /\/releases\?/ });
    const from = fake.requests.length;
    const { code, err } = await watch({ interval: 0.05 }, (text) => text.includes(`${TAG}: skipped`));
    expect(code).toBe(0);
    expect(err).toMatch(/warning: poll failed, trying again in 0\.05s: GitHub: could not list releases of ephpm\/ephemerd: 403 API rate limit exceeded/);
    const listings = fake.requests.slice(from).filter((r) => r.operationId === 'repos/list-releases');
    expect(listings.slice(0, 2).map((r) => r.status)).toEqual([403, 200]);
  });

  it('in a real process, stops on SIGTERM with exit 0', async () => {
    const bin = fileURLToPath(new URL('../../bin/smoke.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'watch', '--config', configPath, '--reports', join(dir, 'reports'), '--interval', '3600'], {
      env: { ...process.env, ...env, CI: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
      if (err.includes(`${TAG}: skipped`) && !child.killed) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code, err).toBe(0);
    expect(err).toContain('SIGTERM: cancelling the runs and cleaning the hosts');
    expect(err).toContain('watch stopped');
  }, 30_000);
});
