import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { findDraft } from '../../src/stages/find-draft.ts';
import { gitHubFor } from '../github/github-on-fake.ts';
import { TAG, addDraft, names, platforms, rules } from './draft-on-fake.ts';

const HEAD = 'c'.repeat(40);

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.setBranch('main', HEAD);
});
afterEach(async () => {
  await fake.close();
});

describe('findDraft', () => {
  it('ignores a tag that is not a release tag, without asking GitHub', async () => {
    const result = await findDraft(gitHubFor(fake, 'push-token'), { tag: 'deps-linux-virt-6.12.83-r0', platforms, rules });
    expect(result).toEqual({ kind: 'not-release-tag', tag: 'deps-linux-virt-6.12.83-r0', pattern: rules.tagPattern });
    expect(fake.requests).toEqual([]);
  });

  it('reports not-found when no draft has the tag, or the token cannot see drafts', async () => {
    addDraft(fake);
    expect(await findDraft(gitHubFor(fake, 'push-token'), { tag: 'v9.9.9', platforms, rules })).toEqual({
      kind: 'not-found',
      tag: 'v9.9.9',
    });
    expect((await findDraft(gitHubFor(fake, 'read-token'), { tag: TAG, platforms, rules })).kind).toBe('not-found');
  });

  it('waits while an archive is absent or still uploading, naming them', async () => {
    addDraft(fake, { skip: [names[1]!], states: { [names[2]!]: 'open' } });
    const result = await findDraft(gitHubFor(fake, 'push-token'), { tag: TAG, platforms, rules });
    expect(result.kind).toBe('waiting');
    if (result.kind !== 'waiting') return;
    expect(result.missing).toEqual([names[1], names[2]]);
    expect(result.match.notReady).toEqual([`${names[2]} (state: open)`]);
  });

  it('is ready with the commit the draft targets, listing unexpected assets', async () => {
    const draft = addDraft(fake, { extra: ['notes.txt'] });
    const result = await findDraft(gitHubFor(fake, 'push-token'), { tag: TAG, platforms, rules });
    expect(result.kind).toBe('ready');
    if (result.kind !== 'ready') return;
    expect(result.release.id).toBe(draft.id);
    expect(result.commit).toEqual({ sha: HEAD, source: 'branch' });
    expect(result.match.unexpected).toEqual(['notes.txt']);
    expect(result.match.platforms.map((p) => p.asset?.id)).toEqual(names.map((n) => draft.assetIds[n]));
  });
});
