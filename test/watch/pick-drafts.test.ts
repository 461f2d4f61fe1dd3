import { describe, expect, it } from 'vitest';
import type { Release, ReleaseAsset } from '../../src/github/types.ts';
import { SECTION_BEGIN, SECTION_END } from '../../src/posting/body-section.ts';
import { DEFAULT_ASSET_PATTERN } from '../../src/release/asset-names.ts';
import { DEFAULT_TAG_PATTERN } from '../../src/release/tag-pattern.ts';
import { renderSectionData, type SectionData } from '../../src/posting/section-data.ts';
import { assetsFingerprint, pickDrafts, type PickDraftsOptions } from '../../src/watch/pick-drafts.ts';
import { asset } from '../release/release-fixture.ts';

const AMD64 = 'ephemerd_v1.2.3_linux_amd64.tar.gz';
const ARM64 = 'ephemerd_v1.2.3_linux_arm64.tar.gz';
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const NOW = new Date('2025-07-01T12:00:00Z');

const options: PickDraftsOptions = {
  platforms: ['linux/amd64', 'linux/arm64'],
  rules: { tagPattern: DEFAULT_TAG_PATTERN, assetPattern: DEFAULT_ASSET_PATTERN, checksumsAsset: 'checksums.txt' },
  now: NOW,
};

function assets(digests: { amd64?: string; arm64?: string } = {}): ReleaseAsset[] {
  return [
    asset(AMD64, { id: 11, digest: `sha256:${digests.amd64 ?? SHA_A}` }),
    asset(ARM64, { id: 12, digest: `sha256:${digests.arm64 ?? SHA_B}` }),
    asset('checksums.txt', { id: 13 }),
  ];
}

function release(fields: Partial<Release> & { id: number }): Release {
  const tag = fields.tag_name ?? 'v1.2.3';
  return {
    url: `https://api.github.com/repos/ephpm/ephemerd/releases/${fields.id}`,
    html_url: `https://github.com/ephpm/ephemerd/releases/tag/${tag}`,
    assets_url: `https://api.github.com/repos/ephpm/ephemerd/releases/${fields.id}/assets`,
    upload_url: `https://uploads.github.com/repos/ephpm/ephemerd/releases/${fields.id}/assets{?name,label}`,
    tarball_url: null,
    zipball_url: null,
    node_id: `RE_${fields.id}`,
    tag_name: tag,
    target_commitish: 'main',
    name: tag,
    body: null,
    draft: true,
    prerelease: false,
    created_at: '2025-07-01T00:00:00Z',
    published_at: null,
    author: {
      login: 'bot', id: 1, node_id: 'U_1', avatar_url: '', gravatar_id: null, url: '', html_url: '', followers_url: '',
      following_url: '', gists_url: '', starred_url: '', subscriptions_url: '', organizations_url: '', repos_url: '',
      events_url: '', received_events_url: '', type: 'Bot', site_admin: false,
    },
    assets: assets(),
    ...fields,
  };
}

function bodyWith(data: Partial<SectionData>): string {
  const full: SectionData = {
    schema: 1,
    runId: 'run-1',
    state: 'done',
    verdict: 'pass',
    tag: 'v1.2.3',
    commit: 'c'.repeat(40),
    assetDigests: { [AMD64]: SHA_A, [ARM64]: SHA_B },
    startedAt: '2025-07-01T10:00:00Z',
    finishedAt: '2025-07-01T10:05:00Z',
    ...data,
  };
  return `Release notes by a person.\n\n${SECTION_BEGIN}\n${renderSectionData(full)}\n| matrix |\n${SECTION_END}`;
}

const running = { state: 'running' as const, verdict: null, assetDigests: {}, finishedAt: null };

describe('pickDrafts', () => {
  it('tests a draft that was never tested', () => {
    const [decision] = pickDrafts([release({ id: 1 })], options);
    expect(decision).toMatchObject({ action: 'test', reason: 'never tested' });
  });

  it('tests a draft again when an archive was re-uploaded since its result', () => {
    const draft = release({ id: 1, body: bodyWith({}), assets: assets({ arm64: 'd'.repeat(64) }) });
    const [decision] = pickDrafts([draft], options);
    expect(decision?.action).toBe('test');
    expect(decision?.reason).toContain(`${ARM64} was re-uploaded since it was tested`);
  });

  it('leaves a draft alone while a recent run is in progress, and says when to look again', () => {
    const draft = release({ id: 1, body: bodyWith({ ...running, startedAt: '2025-07-01T11:00:00Z' }) });
    const [decision] = pickDrafts([draft], options);
    expect(decision).toMatchObject({ action: 'skip-running', recheckAt: Date.parse('2025-07-01T13:00:00Z') });
  });

  it('tests again when a run said "running" for longer than the stale-run limit', () => {
    const draft = release({ id: 1, body: bodyWith({ ...running, runId: 'run-killed', startedAt: '2025-07-01T09:59:59Z' }) });
    expect(pickDrafts([draft], options)[0]).toMatchObject({ action: 'test' });
    expect(pickDrafts([draft], options)[0]?.reason).toContain('run-killed');
    // The limit is configurable: with 3 hours the same run is still alive.
    expect(pickDrafts([draft], { ...options, staleRunMs: 3 * 3600_000 })[0]?.action).toBe('skip-running');
  });

  it('tests a draft whose running section has an unreadable start time: it cannot prove the run alive', () => {
    const draft = release({ id: 1, body: bodyWith({ ...running, runId: 'run-odd', startedAt: 'yesterday' }) });
    expect(pickDrafts([draft], options)[0]).toMatchObject({ action: 'test' });
  });

  it('skips a draft whose current result failed: a verdict is final until the bytes change', () => {
    const draft = release({ id: 1, body: bodyWith({ verdict: 'fail', runId: 'run-7' }) });
    expect(pickDrafts([draft], options)[0]).toMatchObject({ action: 'skip', reason: 'already tested: run run-7 ended in fail' });
  });

  it('ignores tags that are not ours and published releases', () => {
    const decisions = pickDrafts(
      [
        release({ id: 1, tag_name: 'deps-linux-virt-6.12.83-r0' }),
        release({ id: 2, draft: false, published_at: '2025-07-01T00:00:00Z' }),
        release({ id: 3 }),
      ],
      options,
    );
    expect(decisions.map((d) => d.release.id)).toEqual([3]);
  });

  it('waits for a draft whose assets are still missing or uploading', () => {
    const incomplete = release({
      id: 1,
      assets: [asset(AMD64, { id: 11, state: 'open' }), asset('checksums.txt', { id: 13 })],
    });
    const [decision] = pickDrafts([incomplete], options);
    expect(decision).toMatchObject({ action: 'wait', missing: [AMD64, ARM64] });
  });

  it('does not retest what this watch already tested when its result can never be current', () => {
    // e.g. --no-post: nothing is posted, so the body still says "never tested".
    const draft = release({ id: 1 });
    const testedHere = new Map([[1, assetsFingerprint(draft)]]);
    expect(pickDrafts([draft], { ...options, testedHere })[0]?.action).toBe('skip');
    const reuploaded = release({ id: 1, assets: assets({ amd64: 'e'.repeat(64) }) });
    expect(pickDrafts([reuploaded], { ...options, testedHere })[0]?.action).toBe('test');
  });
});

describe('pickDrafts: a running section whose runner was killed on this machine', () => {
  const here = (alive: number[]) => ({ hostname: 'smoke-box', isAlive: (pid: number) => alive.includes(pid) });
  const young = { ...running, runId: 'run-sigkilled', startedAt: '2025-07-01T11:59:00Z' };

  it('tests again at once when the runner is this machine and its pid is gone', () => {
    const draft = release({ id: 1, body: bodyWith({ ...young, runner: { hostname: 'smoke-box', pid: 4242 } }) });
    const [decision] = pickDrafts([draft], { ...options, here: here([]) });
    expect(decision).toMatchObject({ action: 'test' });
    expect(decision?.reason).toContain('run run-sigkilled was killed (its process 4242 on this machine is gone)');
  });

  it('waits while that pid lives, for another machine\'s runner, and for a section without a runner (schema 1 as before)', () => {
    const alive = release({ id: 1, body: bodyWith({ ...young, runner: { hostname: 'smoke-box', pid: 4242 } }) });
    expect(pickDrafts([alive], { ...options, here: here([4242]) })[0]?.action).toBe('skip-running');
    const elsewhere = release({ id: 1, body: bodyWith({ ...young, runner: { hostname: 'other-box', pid: 4242 } }) });
    expect(pickDrafts([elsewhere], { ...options, here: here([]) })[0]?.action).toBe('skip-running');
    const older = release({ id: 1, body: bodyWith(young) });
    expect(pickDrafts([older], { ...options, here: here([]) })[0]?.action).toBe('skip-running');
  });
});
