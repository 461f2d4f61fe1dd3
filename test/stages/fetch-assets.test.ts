import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/domain/events.ts';
import type { GitHub } from '../../src/github/github.ts';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { fetchAssets, type FetchedAssets, type FetchedPlatform } from '../../src/stages/fetch-assets.ts';
import type { PlatformId } from '../../src/domain/platform.ts';
import { inspectArchive, type InspectInput, type Inspection } from '../../src/stages/inspect-archive.ts';
import { writeTarGz } from '../support/write-tar-gz.ts';
import { findDraft } from '../../src/stages/find-draft.ts';
import { gitHubFor } from '../github/github-on-fake.ts';
import { TAG, addDraft, contentOf, names, platforms, rules, sha256, type DraftOptions } from './draft-on-fake.ts';

let fake: FakeGitHub;
let github: GitHub;
let cacheDir: string;
beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.setBranch('main', 'd'.repeat(40));
  github = gitHubFor(fake, 'push-token');
  cacheDir = await mkdtemp(join(tmpdir(), 'smoke-cache-'));
});
afterEach(async () => {
  await fake.close();
  await rm(cacheDir, { recursive: true, force: true });
});

async function run(options: DraftOptions = {}, events: RunEvent[] = []): Promise<FetchedAssets> {
  addDraft(fake, options);
  return fetchAgain(events);
}

async function fetchAgain(events: RunEvent[] = []): Promise<FetchedAssets> {
  const found = await findDraft(github, { tag: TAG, platforms, rules });
  if (found.kind !== 'ready') throw new Error(`draft not ready: ${found.kind}`);
  return fetchAssets(github, { release: found.release, match: found.match, cacheDir, onEvent: (e) => events.push(e) });
}

/** Every file under the cache, relative. */
async function cachedFiles(): Promise<string[]> {
  return (await readdir(cacheDir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}

const statuses = (fetched: FetchedAssets) => fetched.platforms.map((p) => p.checks.map((c) => `${c.name}:${c.status}`).join(' '));

describe('fetchAssets', () => {
  it('downloads every archive once and verifies it against checksums.txt and GitHub', async () => {
    const events: RunEvent[] = [];
    const fetched = await run({}, events);
    expect(statuses(fetched)).toEqual(names.map(() => 'asset:pass checksum:pass'));
    for (const [i, p] of fetched.platforms.entries()) {
      expect(p.platform).toBe(platforms[i]);
      expect(p.sha256).toBe(sha256(contentOf(names[i]!)));
      expect(p.localPath && (await readFile(p.localPath)).equals(contentOf(names[i]!))).toBe(true);
    }
    expect(fetched.checksumsSha256).toBe(sha256(names.map((n) => `${sha256(contentOf(n))}  ${n}\n`).join('')));
    expect(fetched.platforms[0]?.checks[1]?.detail).toMatch(/matches checksums\.txt:1 and GitHub's digest$/);
    expect(events.filter((e) => e.kind === 'check')).toHaveLength(8);
    // A live view shows each download on its platform's line.
    for (const [i, name] of names.entries()) {
      const progress = events.filter((e) => e.kind === 'download-progress' && e.asset === name);
      expect(progress.length, name).toBeGreaterThan(0);
      expect(progress.every((e) => e.kind === 'download-progress' && e.platform === platforms[i]), name).toBe(true);
    }
    expect(await cachedFiles()).toEqual([...names, 'checksums.txt'].sort());
    expect(fake.requests.filter((r) => r.origin === 'storage')).toHaveLength(5);
  });

  it('says when each platform starts downloading, before its bytes arrive, so a handshake can overlap them', async () => {
    addDraft(fake, {});
    const found = await findDraft(github, { tag: TAG, platforms, rules });
    if (found.kind !== 'ready') throw new Error(`draft not ready: ${found.kind}`);
    const order: string[] = [];
    await fetchAssets(github, {
      release: found.release,
      match: found.match,
      cacheDir,
      onEvent: (e) => {
        if (e.kind === 'check' && e.result.name === 'asset') order.push(`downloaded ${e.platform}`);
      },
      onDownloadStart: (platform) => order.push(`start ${platform}`),
    });
    expect(order).toEqual(platforms.flatMap((p) => [`start ${p}`, `downloaded ${p}`]));
  });

  it('reuses a cached download whose hash still matches, and refetches one that changed on disk', async () => {
    const first = await run();
    const corrupted = first.platforms[2]!.localPath!;
    await writeFile(corrupted, 'not the archive');
    const before = fake.requests.length;
    const second = await fetchAgain();
    const storage = fake.requests.slice(before).filter((r) => r.origin === 'storage');
    expect(storage).toHaveLength(1);
    expect(statuses(second)).toEqual(names.map(() => 'asset:pass checksum:pass'));
    expect(second.platforms[0]?.checks[0]?.detail).toMatch(/^reused the cached copy of /);
    expect(second.platforms[2]?.checks[0]?.detail).toMatch(/^downloaded /);
    expect((await readFile(corrupted)).equals(contentOf(names[2]!))).toBe(true);
  });

  it('fails the checksum with both digests when the bytes differ from checksums.txt', async () => {
    const wrong = 'e'.repeat(64);
    const sums = names.map((n, i) => `${i === 1 ? wrong : sha256(contentOf(n))}  ${n}\n`).join('');
    const fetched = await run({ checksums: sums, digests: { [names[1]!]: null } });
    const check = fetched.platforms[1]!.checks[1]!;
    expect(check.status).toBe('fail');
    expect(check.detail).toBe(
      `sha256 of ${names[1]} as downloaded is ${sha256(contentOf(names[1]!))}, but checksums.txt:2 says ${wrong}`,
    );
    expect(statuses(fetched)[0]).toBe('asset:pass checksum:pass');
  });

  it('fails when checksums.txt disagrees with GitHub digest: it describes other bytes', async () => {
    const wrong = 'f'.repeat(64);
    const sums = names.map((n, i) => `${i === 3 ? wrong : sha256(contentOf(n))}  ${n}\n`).join('');
    const fetched = await run({ checksums: sums });
    const check = fetched.platforms[3]!.checks[1]!;
    expect(check.status).toBe('fail');
    expect(check.detail).toBe(
      `checksums.txt:4 describes other bytes than GitHub holds for ${names[3]}: checksums.txt says ${wrong}, GitHub's digest is ${sha256(contentOf(names[3]!))}`,
    );
  });

  it('fails an archive checksums.txt does not list, and warns about entries for nothing', async () => {
    const events: RunEvent[] = [];
    const sums = `${names.slice(1).map((n) => `${sha256(contentOf(n))}  ${n}`).join('\n')}\n${'0'.repeat(64)}  stray.zip\n`;
    const fetched = await run({ checksums: sums }, events);
    expect(fetched.platforms[0]!.checks[1]).toMatchObject({ status: 'fail', detail: `checksums.txt has no entry for ${names[0]}` });
    expect(events).toContainEqual({ kind: 'warning', message: 'checksums.txt:4: "stray.zip" is not an expected archive' });
  });

  it('reports a cut-off download as an error, never a fail, and leaves nothing in the cache', async () => {
    addDraft(fake);
    const found = await findDraft(github, { tag: TAG, platforms, rules });
    if (found.kind !== 'ready') throw new Error('draft not ready');
    const onlyLinux = { ...found.match, platforms: found.match.platforms.slice(0, 1) };
    // checksums.txt is fetched first; the archive's body is the one cut off.
    await fetchAssets(github, { release: found.release, match: { ...onlyLinux, platforms: [] }, cacheDir });
    // Cut twice: a cut download is tried once more, then it is an error.
    fake.fault({ kind: 'truncate', afterBytes: 100, times: 2 });
    const fetched = await fetchAssets(github, { release: found.release, match: onlyLinux, cacheDir });
    const [platform] = fetched.platforms;
    expect(platform?.checks.map((c) => c.status)).toEqual(['error', 'skipped']);
    expect(platform?.checks[0]?.detail).toMatch(new RegExp(`^GitHub: download of ${names[0]} (failed|ended) after \\d+ of \\d+ bytes.*\\(after one retry\\)$`));
    expect(platform?.localPath).toBeNull();
    expect(await cachedFiles()).toEqual(['checksums.txt']);
  });

  it('cannot check archives when checksums.txt cannot be downloaded: error, not fail', async () => {
    // Storage answers 403 to the first download, which is checksums.txt, and to its one retry.
    fake.fault({ kind: 'storage-status', status: 403, times: 2 });
    const fetched = await run();
    expect(fetched.checksumsSha256).toBeNull();
    expect(statuses(fetched)).toEqual(names.map(() => 'asset:pass checksum:error'));
    expect(fetched.platforms[0]?.checks[1]?.detail).toMatch(/^cannot check .*: GitHub: could not download checksums\.txt .*: storage answered 403 \(Request has expired\) \(after one retry\)$/);
  });
});

describe('fetchAssets inspecting .tar.gz archives as they stream', () => {
  const BINARIES = join(import.meta.dirname, '..', '.fixtures', 'binaries');
  /** The inspection input the pipeline would give: a size floor for linux/amd64 only. */
  const inspectFor = (platform: PlatformId, assetName: string): InspectInput => ({
    assetName,
    platform,
    binaryName: 'ephemerd',
    minBinaryBytes: platform === 'linux/amd64' ? 5_000_000 : 0,
    maxExtractedBytes: 12_000_000,
  });
  const tarGz = async (data: Buffer): Promise<Buffer> => {
    const dir = await mkdtemp(join(tmpdir(), 'smoke-fixture-'));
    try {
      await writeTarGz(join(dir, 'a.tar.gz'), [{ name: 'ephemerd', mode: 0o755, data }]);
      return await readFile(join(dir, 'a.tar.gz'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  // Built once: packing a 10 MB binary costs a while on two cores.
  let built: Promise<{ amd64: Buffer; overCap: Buffer }> | undefined;
  const fixtures = () => (built ??= (async () => ({
    amd64: await tarGz(await readFile(join(BINARIES, 'linux-amd64'))),
    overCap: await tarGz(Buffer.alloc(20_000_000)),
  }))());

  /** The draft with real archives: linux/amd64 right, linux/arm64 holding the amd64 binary, darwin over the size cap. */
  async function addArchiveDraft(): Promise<void> {
    const { amd64, overCap } = await fixtures();
    const archives = new Map([
      [names[0]!, amd64],
      [names[1]!, amd64],
      [names[2]!, Buffer.from('a windows zip, never read here')],
      [names[3]!, overCap],
    ]);
    const release = fake.addRelease({ tag_name: TAG, draft: true, prerelease: false, target_commitish: 'main' });
    for (const [name, content] of archives) release.addAsset({ name, content });
    release.addAsset({ name: 'checksums.txt', content: [...archives].map(([n, c]) => `${sha256(c)}  ${n}\n`).join('') });
  }

  async function fetchInspecting(only?: number[]): Promise<FetchedAssets> {
    const found = await findDraft(github, { tag: TAG, platforms, rules });
    if (found.kind !== 'ready') throw new Error(`draft not ready: ${found.kind}`);
    const match = only ? { ...found.match, platforms: found.match.platforms.filter((_, i) => only.includes(i)) } : found.match;
    return fetchAssets(github, { release: found.release, match, cacheDir, inspect: inspectFor });
  }

  /** What inspecting the downloaded file afterwards finds, durations aside. */
  async function fromFile(p: FetchedPlatform): Promise<Inspection> {
    return inspectArchive(p.localPath!, inspectFor(p.platform, p.asset!.name));
  }
  const timeless = (i: Inspection | undefined) => i && { ...i, check: { ...i.check, durationMs: 0 } };

  it('finds what inspecting the file afterwards finds: a pass, a wrong arch, a size cap; a zip is left to the file', async () => {
    await addArchiveDraft();
    const fetched = await fetchInspecting();
    expect(statuses(fetched)).toEqual(names.map(() => 'asset:pass checksum:pass'));
    const [amd64, arm64, windows, darwin] = fetched.platforms;
    expect(amd64?.inspection?.check).toMatchObject({ name: 'archive', status: 'pass' });
    expect(amd64?.inspection?.binary).toMatchObject({ os: 'linux', arch: 'amd64', static: true });
    expect(arm64?.inspection?.findings.map((f) => f.code)).toEqual(['platform-mismatch']);
    expect(darwin?.inspection?.check.status).toBe('fail');
    expect(darwin?.inspection?.check.detail).toMatch(/12 MB/);
    for (const p of [amd64!, arm64!, darwin!]) {
      expect(p.inspection?.check.durationMs).toBeGreaterThanOrEqual(0);
      expect(timeless(p.inspection)).toEqual(timeless(await fromFile(p)));
    }
    expect(windows?.inspection).toBeUndefined();
    expect(windows?.localPath).not.toBeNull();
  });

  it('inspects a download cut once from its retry, and a cached copy not at all (the file is inspected then)', async () => {
    await addArchiveDraft();
    // checksums.txt first, uncut; then the linux/amd64 archive is cut once and retried.
    await fetchInspecting([]);
    fake.fault({ kind: 'truncate', afterBytes: 3_000_000, times: 1 });
    const cut = await fetchInspecting([0]);
    expect(fake.requests.filter((r) => r.origin === 'storage')).toHaveLength(3);
    const [amd64] = cut.platforms;
    expect(amd64?.checks.map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(amd64?.inspection?.check.status).toBe('pass');
    expect(amd64?.inspection?.binary?.size).toBe((await readFile(join(BINARIES, 'linux-amd64'))).length);
    expect(timeless(amd64?.inspection)).toEqual(timeless(await fromFile(amd64!)));

    const cached = await fetchInspecting([0]);
    expect(cached.platforms[0]?.checks[0]?.detail).toMatch(/^reused the cached copy of /);
    expect(cached.platforms[0]?.inspection).toBeUndefined();
  });

  it('never hands on the inspection of bytes that failed their checksum', async () => {
    const release = fake.addRelease({ tag_name: TAG, draft: true, prerelease: false, target_commitish: 'main' });
    const bytes = (await fixtures()).amd64;
    for (const name of names) release.addAsset({ name, content: bytes, digest: null });
    release.addAsset({ name: 'checksums.txt', content: names.map((n) => `${'0'.repeat(64)}  ${n}\n`).join('') });
    const fetched = await fetchInspecting([0]);
    expect(fetched.platforms[0]?.checks.map((c) => c.status)).toEqual(['pass', 'fail']);
    expect(fetched.platforms[0]?.inspection).toBeUndefined();
  });

  it('inspects nothing while streaming when not asked to', async () => {
    await addArchiveDraft();
    const fetched = await fetchAgain();
    expect(fetched.platforms.map((p) => p.inspection)).toEqual(names.map(() => undefined));
  });
});
