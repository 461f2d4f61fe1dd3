import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch as watchDir, writeFileSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { CliIo } from '../../src/commands/io.ts';
import { watchCommand, type WatchCliOptions } from '../../src/commands/watch.ts';
import { extractSection, parseSectionData } from '../../src/posting/body-section.ts';
import type { SectionData } from '../../src/posting/section-data.ts';
import { startFakeGitHub, type FakeGitHub, type FakeRepository } from '../../src/sandbox/fake-github/index.ts';
import { yamlHostFor } from '../support/test-host-config.ts';
import { buildFixtureRelease } from '../../src/sandbox/stand-in/release.ts';
import { runCli } from '../support/cli-io.ts';
import { startSshd, type SshdHandle } from '../support/sshd.ts';

const AGENT_ASSETS = 'agent_{tag}_{os}_{arch}.{ext}';
const SHA = createHash('sha1').update('watch repositories').digest('hex');

/** A fake GitHub serving ephpm/ephemerd and ephpm/agent, a real sshd as the one linux/amd64 host, in a temp dir. */
interface World {
  dir: string;
  fake: FakeGitHub;
  agent: FakeRepository;
  sshd: SshdHandle;
  workdir: string;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

async function startWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'smoke-watch-repos-'));
  const fake = await startFakeGitHub();
  const agent = fake.addRepository('ephpm/agent');
  const sshd = await startSshd();
  fake.setBranch('main', SHA);
  agent.setBranch('main', SHA);
  const workdir = join(dir, 'host-work');
  mkdirSync(workdir);
  const env = { GITHUB_API_URL: fake.url, GITHUB_TOKEN: 'push-token', SMOKE_CACHE_DIR: join(dir, 'cache') };
  return {
    dir, fake, agent, sshd, workdir, env,
    async close() {
      await sshd.stop();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** hosts.yaml with `repositories:` (agent with its own asset names and status context) and `extra` top-level keys. */
function writeConfig(world: World, name: string, repositories: unknown[], extra: Record<string, unknown> = {}): string {
  const path = join(world.dir, name);
  writeFileSync(path, stringify({
    platforms: { 'linux/amd64': { minBinaryBytes: 256 } },
    probes: { boot: { timeoutSeconds: 30, healthz: true, stopGraceSeconds: 5 } },
    repositories,
    ...extra,
    hosts: [yamlHostFor(world.sshd, { name: 'shared-amd64', platform: 'linux/amd64', workdir: world.workdir })],
  }));
  return path;
}

const EPHEMERD = { repo: 'ephpm/ephemerd' };
const AGENT = { repo: 'ephpm/agent', release: { assetPattern: AGENT_ASSETS }, status: { context: 'smoke/agent' } };

/** A good linux/amd64 draft in `repo` named by `assetPattern`; returns its release id and archive name. */
async function addDraft(world: World, repo: FakeRepository, tag: string, options: { assetPattern?: string; createdAt?: string; platform?: 'linux/amd64' | 'linux/arm64' } = {}): Promise<{ id: number; archive: string }> {
  const built = await buildFixtureRelease({
    dir: join(world.dir, 'release', repo.fullName, tag),
    tag,
    ...(options.assetPattern ? { assetPattern: options.assetPattern } : {}),
    platforms: [{ platform: options.platform ?? 'linux/amd64', behaviour: { version: tag, variant: 'good' } }],
  });
  const { id } = repo.addRelease({ tag_name: tag, draft: true, target_commitish: 'main', body: `Notes for ${repo.fullName} ${tag}.`, ...(options.createdAt ? { created_at: options.createdAt } : {}) });
  const archive = built.assets[0]!;
  repo.addAsset(id, { name: archive.name, file: archive.path });
  repo.addAsset(id, { name: 'checksums.txt', file: built.checksumsPath });
  return { id, archive: archive.name };
}

/**
 * Runs `smoke watch` in-process (`--once` unless `options` say otherwise); `onLog` sees stderr as
 * it grows, and may stop the watch as SIGTERM would.
 */
async function watch(world: World, options: Partial<WatchCliOptions>, onLog?: (err: string, stop: () => void) => void): Promise<{ code: number; err: string }> {
  const controller = new AbortController();
  const stop = () => {
    if (!controller.signal.aborted) controller.abort('SIGTERM');
  };
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    onLog?.(err, stop);
  });
  const io: CliIo = { stdout: new PassThrough(), stderr, env: world.env, signal: controller.signal };
  const code = await watchCommand({ config: '', reports: join(world.dir, 'reports'), interval: 60, post: true, once: true, ...options }, io);
  return { code, err };
}

/** An extra probe that keeps its platform on the host until the file `gate` exists. */
function holdUntil(gate: string) {
  return { name: 'hold', command: `while [ ! -e '${gate}' ]; do sleep 0.05; done`, timeoutSeconds: 120 };
}

function section(repo: FakeRepository, id: number): SectionData | null {
  return parseSectionData(extractSection(repo.release(id).body ?? null) ?? '');
}

describe('smoke watch over several repositories, each with its own rules', () => {
  let world: World;
  let config: string;
  let ephemerdDraft: { id: number; archive: string };
  let agentDraft: { id: number; archive: string };
  beforeAll(async () => {
    world = await startWorld();
    config = writeConfig(world, 'hosts.yaml', [EPHEMERD, AGENT, { repo: 'ephpm/gone' }]);
    // The same tag in both repositories: their reports must not collide.
    ephemerdDraft = await addDraft(world, world.fake, 'v1.0.0');
    agentDraft = await addDraft(world, world.agent, 'v1.0.0', { assetPattern: AGENT_ASSETS });
  }, 180_000);
  afterAll(() => world?.close());

  it('tests both drafts in one pass, posts each into its own repository, and a repository it cannot read is a warning naming it', async () => {
    const { code, err } = await watch(world, { config });
    // Each repository's own asset names: with the other's rules the draft would be waiting for assets.
    expect(err).toContain('ephpm/ephemerd v1.0.0: testing: never tested');
    expect(err).toContain('ephpm/agent v1.0.0: testing: never tested');
    expect(err).toMatch(/warning: ephpm\/gone: poll failed: .*404.*; the other repositories go on/);
    // Both passed; the unreadable repository leaves the pass without a full verdict.
    expect(code, err).toBe(3);

    const mine = section(world.fake, ephemerdDraft.id);
    const theirs = section(world.agent, agentDraft.id);
    expect(mine).toMatchObject({ state: 'done', verdict: 'pass', tag: 'v1.0.0' });
    expect(theirs).toMatchObject({ state: 'done', verdict: 'pass', tag: 'v1.0.0' });
    expect(Object.keys(mine!.assetDigests)).toEqual([ephemerdDraft.archive]);
    expect(Object.keys(theirs!.assetDigests)).toEqual([agentDraft.archive]);
    expect(world.fake.release(ephemerdDraft.id).body).toMatch(/^Notes for ephpm\/ephemerd v1\.0\.0\./);
    expect(world.agent.release(agentDraft.id).body).toMatch(/^Notes for ephpm\/agent v1\.0\.0\./);
    // Each status in its own repository, under its own context.
    expect(world.fake.statuses(SHA).map((s) => [s.context, s.state])).toEqual([['smoke-test', 'success'], ['smoke-test', 'pending']]);
    expect(world.agent.statuses(SHA).map((s) => [s.context, s.state])).toEqual([['smoke/agent', 'success'], ['smoke/agent', 'pending']]);

    // Reports per repository, so one tag in two repositories has two folders; the index lists both.
    const reports = join(world.dir, 'reports');
    for (const [repo, data] of [['ephpm/ephemerd', mine], ['ephpm/agent', theirs]] as const) {
      const report = JSON.parse(readFileSync(join(reports, repo, 'v1.0.0', data!.runId, 'report.json'), 'utf8')) as { repo: string; runId: string };
      expect(report).toMatchObject({ repo, runId: data!.runId });
      const latest = JSON.parse(readFileSync(join(reports, repo, 'v1.0.0', 'latest.json'), 'utf8')) as { runId: string };
      expect(latest.runId).toBe(data!.runId);
    }
    const index = readFileSync(join(reports, 'index.html'), 'utf8');
    expect(index).toContain(`href="ephpm/ephemerd/v1.0.0/${mine!.runId}/report.html"`);
    expect(index).toContain(`href="ephpm/agent/v1.0.0/${theirs!.runId}/report.html"`);
    expect(existsSync(join(reports, 'v1.0.0'))).toBe(false);
  }, 120_000);

  it('--repo (repeatable) names the repositories; a draft already tested is left alone: exit 0, nothing downloaded', async () => {
    const from = world.fake.requests.length;
    const { code, err } = await watch(world, { config, repo: ['ephpm/ephemerd', 'ephpm/agent'] });
    expect(code, err).toBe(0);
    expect(err).toMatch(/ephpm\/ephemerd v1\.0\.0: skipped: already tested/);
    expect(err).toMatch(/ephpm\/agent v1\.0\.0: skipped: already tested/);
    expect(err).not.toContain('ephpm/gone');
    const later = world.fake.requests.slice(from);
    expect(later.filter((r) => r.origin === 'storage' || r.method !== 'GET')).toEqual([]);
    // Each repository listed through its own path.
    expect(later.filter((r) => r.operationId === 'repos/list-releases').map((r) => r.path.split('?')[0])).toEqual([
      '/repos/ephpm/ephemerd/releases',
      '/repos/ephpm/agent/releases',
    ]);
  });

  it('smoke gate takes the entry --repo names, with its rules, and asks which when several are listed', async () => {
    const open = await runCli(['gate', 'v1.0.0', '--config', config, '--repo', 'ephpm/agent'], world.env);
    expect(open.stdout).toContain('gate: open');
    expect(open.code, open.stdout + open.stderr).toBe(0);
    const which = await runCli(['gate', 'v1.0.0', '--config', config], world.env);
    expect(which.code).toBe(2);
    expect(which.stderr).toContain('lists several repositories (ephpm/ephemerd, ephpm/agent, ephpm/gone): name one with --repo or GH_REPO');
    const unknown = await runCli(['gate', 'v1.0.0', '--config', config], { ...world.env, GH_REPO: 'ephpm/nope' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('repository ephpm/nope (from GH_REPO) is not under repositories: in');
  });
});

/** Run directories appearing and leaving in the host's workdir, in the kernel's order (inotify). */
function recordRunDirectories(workdir: string): { events: Array<{ runId: string; kind: 'made' | 'gone' }>; watcher: FSWatcher } {
  const events: Array<{ runId: string; kind: 'made' | 'gone' }> = [];
  const seen = new Set<string>();
  // `smoke-<run id>-XXXXXX` is made by mktemp, then renamed to `….removing.<pid>` and removed.
  const watcher = watchDir(workdir, (type, name) => {
    const dirName = name?.toString() ?? '';
    const run = /^smoke-(.+)-[A-Za-z0-9]{6}$/.exec(dirName);
    if (type !== 'rename' || !run) return;
    events.push({ runId: run[1]!, kind: seen.has(dirName) ? 'gone' : 'made' });
    seen.add(dirName);
  });
  return { events, watcher };
}

describe('smoke watch shares a host fairly between drafts of several repositories', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, 180_000);
  afterAll(() => world?.close());

  it('one platform run on the host at a time, and a freed host goes to the oldest waiting draft, not the first to ask', async () => {
    // Three drafts, oldest first: the newest (a backport, v1.0.5) would come before the middle one
    // by asking first, and by its name too; only its age puts it last.
    const oldest = await addDraft(world, world.fake, 'v1.1.0', { createdAt: '2026-12-01T08:00:00Z' });
    const middle = await addDraft(world, world.agent, 'v1.1.0', { assetPattern: AGENT_ASSETS, createdAt: '2026-12-02T08:00:00Z' });
    const newest = await addDraft(world, world.agent, 'v1.0.5', { assetPattern: AGENT_ASSETS, createdAt: '2026-12-03T08:00:00Z' });
    // The oldest draft's host run waits at its last probe until the two others wait for the host.
    const gate = join(world.dir, 'gate');
    const config = writeConfig(world, 'fair.yaml', [EPHEMERD, AGENT], {
      probes: {
        boot: { timeoutSeconds: 30, healthz: true, stopGraceSeconds: 5 },
        extra: [holdUntil(gate)],
      },
    });
    // The downloads of the two younger drafts are held: the newest is let go first, so it asks for the host before the middle one.
    const release: Record<string, () => void> = {};
    for (const draft of [middle, newest]) {
      world.fake.fault({ kind: 'hold', asset: draft.archive, until: new Promise<void>((resolve) => (release[draft.archive] = resolve)) });
    }
    const asks = { oldest: 'ephpm/ephemerd v1.1.0: linux/amd64: connect', newest: 'ephpm/agent v1.0.5: linux/amd64: connect', middle: 'ephpm/agent v1.1.0: linux/amd64: connect' };
    // A draft's `connect` line is written as it asks for the host (synchronously before it waits), so each step follows the last by construction.
    const onLog = (err: string): void => {
      if (err.includes(asks.oldest)) release[newest.archive]!();
      if (err.includes(asks.newest)) release[middle.archive]!();
      if (err.includes(asks.middle) && !existsSync(gate)) writeFileSync(gate, '');
    };
    const recorder = recordRunDirectories(world.workdir);
    let result: { code: number; err: string };
    try {
      result = await watch(world, { config }, onLog);
    } finally {
      recorder.watcher.close();
    }
    const { code, err } = result;
    expect(code, err).toBe(0);
    // The newest draft's download did finish before the middle one's: it asked for the host first.
    expect(err.indexOf(asks.newest)).toBeLessThan(err.indexOf(asks.middle));

    const runOf = (repo: FakeRepository, id: number) => section(repo, id)!.runId;
    const expected = [runOf(world.fake, oldest.id), runOf(world.agent, middle.id), runOf(world.agent, newest.id)];
    for (const [repo, id] of [[world.fake, oldest.id], [world.agent, middle.id], [world.agent, newest.id]] as const) {
      expect(section(repo, id)).toMatchObject({ state: 'done', verdict: 'pass' });
    }
    // On the host: each run's directory is gone before the next one's is made, oldest draft first.
    expect(recorder.events).toEqual(expected.flatMap((runId) => [{ runId, kind: 'made' }, { runId, kind: 'gone' }]));
  }, 180_000);
});

describe('smoke watch over several repositories, stopped', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, 180_000);
  afterAll(() => world?.close());

  it('a stop signal cancels every running draft, the one on the host and the one waiting for it; the host is left clean', async () => {
    const onHost = await addDraft(world, world.fake, 'v2.0.0', { createdAt: '2026-12-01T08:00:00Z' });
    const waiting = await addDraft(world, world.agent, 'v2.0.0', { assetPattern: AGENT_ASSETS, createdAt: '2026-12-02T08:00:00Z' });
    const gate = join(world.dir, 'gate');
    const config = writeConfig(world, 'stop.yaml', [EPHEMERD, AGENT], {
      probes: {
        boot: { timeoutSeconds: 30, healthz: true, stopGraceSeconds: 5 },
        extra: [holdUntil(gate)],
      },
    });
    let letGo!: () => void;
    world.fake.fault({ kind: 'hold', asset: waiting.archive, until: new Promise<void>((resolve) => (letGo = resolve)) });
    const { code, err } = await watch(world, { config }, (log, stop) => {
      // The first draft is at its last probe on the host: the second may ask for the host now.
      if (log.includes('ephpm/ephemerd v2.0.0: linux/amd64: hold on shared-amd64')) letGo();
      if (log.includes('ephpm/agent v2.0.0: linux/amd64: connect') && !existsSync(gate)) {
        stop();
        // The command running on the host is let finish (sshd would not end it); then nothing more starts.
        writeFileSync(gate, '');
      }
    });
    expect(code, err).toBe(3);
    for (const [repo, id] of [[world.fake, onHost.id], [world.agent, waiting.id]] as const) {
      expect(section(repo, id), err).toMatchObject({ state: 'done', verdict: 'error' });
    }
    expect(err).toContain('ephpm/ephemerd v2.0.0: error');
    expect(err).toContain('ephpm/agent v2.0.0: error');
    expect(readdirSync(world.workdir)).toEqual([]);
  }, 180_000);
});

/**
 * ephpm/ephemerd's drafts on an amd64 host whose runs wait at a last probe until `gate` exists,
 * ephpm/agent's on an arm64 host (the same sshd, its own workdir) that holds nothing.
 */
function continuousConfig(world: World, gate: string): string {
  const arm64Work = join(world.dir, 'arm64-work');
  mkdirSync(arm64Work, { recursive: true });
  const config = join(world.dir, 'continuous.yaml');
  writeFileSync(config, stringify({
    platforms: { 'linux/amd64': { minBinaryBytes: 256 }, 'linux/arm64': { minBinaryBytes: 256 } },
    probes: { boot: { timeoutSeconds: 30, healthz: true, stopGraceSeconds: 5 } },
    repositories: [{ ...EPHEMERD, platforms: ['linux/amd64'] }, { ...AGENT, platforms: ['linux/arm64'] }],
    hosts: [
      yamlHostFor(world.sshd, { name: 'amd64-host', platform: 'linux/amd64', workdir: world.workdir, probes: { extra: [holdUntil(gate)] } }),
      yamlHostFor(world.sshd, { name: 'arm64-host', platform: 'linux/arm64', workdir: arm64Work }),
    ],
  }));
  return config;
}

describe('a continuous smoke watch polls on while a draft is being tested', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, 180_000);
  afterAll(() => world?.close());

  it("a draft of another repository that appears meanwhile is tested and posted before the first one's host run ends", async () => {
    const first = await addDraft(world, world.fake, 'v3.0.0');
    const gate = join(world.dir, 'gate');
    const config = continuousConfig(world, gate);
    let second: Promise<{ id: number; archive: string }> | null = null;
    let firstWhenSecondPassed: SectionData | null = null;
    const { code, err } = await watch(world, { config, interval: 1, once: false }, (log, stop) => {
      // The first draft holds its host: only now does the second draft exist.
      if (second === null && log.includes('linux/amd64: hold on amd64-host')) second = addDraft(world, world.agent, 'v3.0.0', { assetPattern: AGENT_ASSETS, platform: 'linux/arm64' });
      if (firstWhenSecondPassed === null && log.includes('ephpm/agent v3.0.0: pass')) {
        firstWhenSecondPassed = section(world.fake, first.id);
        writeFileSync(gate, '');
      }
      if (log.includes('ephpm/ephemerd v3.0.0: pass')) stop();
    });
    expect(code, err).toBe(0);
    // When the second draft's result was posted, the first was still on its host.
    expect(firstWhenSecondPassed, err).toMatchObject({ state: 'running' });
    const secondDraft = await second!;
    expect(section(world.agent, secondDraft.id)).toMatchObject({ state: 'done', verdict: 'pass' });
    expect(section(world.fake, first.id)).toMatchObject({ state: 'done', verdict: 'pass' });
    // Each draft was tested once, though the watch polled many times while the first ran.
    expect(err.match(/ephpm\/ephemerd v3\.0\.0: testing: /g), err).toHaveLength(1);
    expect(err.match(/ephpm\/agent v3\.0\.0: testing: /g), err).toHaveLength(1);
  }, 180_000);
});

describe('a continuous smoke watch with --no-post', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, 180_000);
  afterAll(() => world?.close());

  it('a draft being tested is not started again when the listing changes under it (nothing in its body says "running")', async () => {
    await addDraft(world, world.fake, 'v4.0.0');
    const gate = join(world.dir, 'gate');
    const config = continuousConfig(world, gate);
    let added = false;
    const { code, err } = await watch(world, { config, interval: 1, once: false, post: false }, (log, stop) => {
      // A second draft changes the listing while the first holds the host; it waits for its turn.
      if (!added && log.includes('linux/amd64: hold on amd64-host')) {
        added = true;
        void addDraft(world, world.fake, 'v4.1.0');
      }
      if (log.includes('ephpm/ephemerd v4.1.0: testing: ') && !existsSync(gate)) writeFileSync(gate, '');
      if (/ephpm\/ephemerd v4\.1\.0: pass/.test(log)) stop();
    });
    expect(code, err).toBe(0);
    expect(err.match(/ephpm\/ephemerd v4\.0\.0: testing: /g), err).toHaveLength(1);
    expect(err.match(/ephpm\/ephemerd v4\.1\.0: testing: /g), err).toHaveLength(1);
    expect(err).toMatch(/ephpm\/ephemerd v4\.0\.0: pass/);
  }, 180_000);
});
