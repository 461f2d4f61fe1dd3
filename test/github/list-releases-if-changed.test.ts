import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { gitHubFor, thrownMessage } from './github-on-fake.ts';

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub();
});
afterEach(async () => {
  await fake.close();
});

/** X-RateLimit-Remaining for the push token, read with a request that itself spends one. */
async function remaining(): Promise<number> {
  const res = await fetch(`${fake.url}/repos/ephpm/ephemerd/releases/tags/none`, { headers: { authorization: 'token push-token' } });
  await res.arrayBuffer();
  return Number(res.headers.get('x-ratelimit-remaining'));
}

describe('listReleasesIfChanged', () => {
  it('answers "unchanged" from a 304 that costs no rate limit', async () => {
    const draft = fake.addRelease({ tag_name: 'v1.0.0', draft: true });
    const github = gitHubFor(fake, 'push-token');
    const first = await github.listReleasesIfChanged(null);
    expect(first.changed).toBe(true);
    if (!first.changed) return;
    expect(first.releases.map((r) => r.id)).toEqual([draft.id]);
    expect(first.pages.map((p) => p.etag)).toEqual([expect.stringMatching(/^W\/"[0-9a-f]+"$/)]);

    const before = await remaining();
    const count = fake.requests.length;
    expect(await github.listReleasesIfChanged(first.pages)).toEqual({ changed: false });
    // before - 1 is the probe request of remaining() itself: the 304 spent nothing.
    expect(await remaining()).toBe(before - 1);
    const poll = fake.requests.slice(count).filter((r) => r.operationId === 'repos/list-releases');
    expect(poll).toHaveLength(1);
    expect(poll[0]).toMatchObject({ status: 304, rateLimited: false });
  });

  it('lists again once anything on the first page changed, such as an uploaded asset', async () => {
    const draft = fake.addRelease({ tag_name: 'v1.0.0', draft: true });
    const github = gitHubFor(fake, 'push-token');
    const first = await github.listReleasesIfChanged(null);
    if (!first.changed) throw new Error('the first listing must be a change');
    fake.addAsset(draft.id, { name: 'checksums.txt', content: 'x' });
    const second = await github.listReleasesIfChanged(first.pages);
    expect(second.changed).toBe(true);
    if (!second.changed) return;
    expect(second.pages[0]?.etag).not.toBe(first.pages[0]?.etag);
    expect(second.releases[0]?.assets.map((a) => a.name)).toEqual(['checksums.txt']);
  });

  it('conditions every page: unchanged is one 304 a page, and a change on page 2 alone is seen', async () => {
    const draft = fake.addRelease({ tag_name: 'v0.9.0', draft: true });
    for (let i = 0; i < 130; i++) fake.addRelease({ tag_name: `v1.0.${i}` });
    const github = gitHubFor(fake, 'push-token');
    const first = await github.listReleasesIfChanged(null);
    if (!first.changed) throw new Error('the first listing must be a change');
    expect(first.releases).toHaveLength(131);
    let count = fake.requests.length;
    expect((await github.listReleasesIfChanged(first.pages)).changed).toBe(false);
    expect(fake.requests.slice(count).map((r) => r.status)).toEqual([304, 304]);

    // The oldest release, a draft, is on page 2: only that page changes.
    fake.addAsset(draft.id, { name: 'checksums.txt', content: 'x' });
    count = fake.requests.length;
    const second = await github.listReleasesIfChanged(first.pages);
    expect(fake.requests.slice(count).map((r) => r.status)).toEqual([304, 200]);
    if (!second.changed) throw new Error('a change on page 2 must be seen');
    expect(second.releases).toHaveLength(131);
    expect(second.releases.find((r) => r.id === draft.id)?.assets.map((a) => a.name)).toEqual(['checksums.txt']);
  });

  it('turns a refused listing into a one-line GitHubError', async () => {
    const message = await thrownMessage(gitHubFor(fake, 'bad-token').listReleasesIfChanged(null));
    expect(message).toMatch(/^GitHub: could not list releases of ephpm\/ephemerd: 401 Bad credentials/);
  });
});
