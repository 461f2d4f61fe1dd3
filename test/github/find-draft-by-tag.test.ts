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

describe('findDraftByTag', () => {
  it('finds a draft with a push token only', async () => {
    fake.addRelease({ tag_name: 'v1.0.0' });
    const draft = fake.addRelease({ tag_name: 'v1.1.0', draft: true });
    expect((await gitHubFor(fake, 'push-token').findDraftByTag('v1.1.0'))?.id).toBe(draft.id);
    expect(await gitHubFor(fake, 'read-token').findDraftByTag('v1.1.0')).toBeNull();
  });

  it('ignores a published release with the same tag', async () => {
    fake.addRelease({ tag_name: 'v1.0.0' });
    expect(await gitHubFor(fake, 'push-token').findDraftByTag('v1.0.0')).toBeNull();
  });

  it('pages through more than 100 releases, 100 at a time', async () => {
    const oldest = fake.addRelease({ tag_name: 'v0.0.1', draft: true });
    for (let i = 0; i < 130; i++) fake.addRelease({ tag_name: `v1.0.${i}` });
    const github = gitHubFor(fake, 'push-token');
    expect((await github.findDraftByTag('v0.0.1'))?.id).toBe(oldest.id);
    const pages = fake.requests.filter((r) => r.path.includes('/releases?')).map((r) => new URL(r.path, fake.url).searchParams);
    expect(pages.map((p) => [p.get('per_page'), p.get('page') ?? '1'])).toEqual([
      ['100', '1'],
      ['100', '2'],
    ]);
    expect(await github.listReleases()).toHaveLength(131);
  });

  it('refuses to guess between two drafts with one tag', async () => {
    const a = fake.addRelease({ tag_name: 'v2.0.0', draft: true });
    const b = fake.addRelease({ tag_name: 'v2.0.0', draft: true });
    const message = await thrownMessage(gitHubFor(fake, 'push-token').findDraftByTag('v2.0.0'));
    expect(message).toContain(`2 draft releases for tag v2.0.0`);
    expect(message).toContain(String(a.id));
    expect(message).toContain(String(b.id));
  });
});
