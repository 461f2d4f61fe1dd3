import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { gitHubFor, thrownMessage } from './github-on-fake.ts';

const MAIN = '1111111111111111111111111111111111111111';
const TAGGED = '2222222222222222222222222222222222222222';
const PINNED = '3333333333333333333333333333333333333333';

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.setBranch('main', MAIN);
  fake.setBranch('release/1.x', PINNED);
});
afterEach(async () => {
  await fake.close();
});

describe('resolveCommit', () => {
  it('uses the git tag when it exists', async () => {
    fake.setTag('v1.0.0', TAGGED);
    const commit = await gitHubFor(fake, 'push-token').resolveCommit({ tag_name: 'v1.0.0', target_commitish: 'main' });
    expect(commit).toEqual({ sha: TAGGED, source: 'tag' });
  });

  it('resolves a target branch to its head, slashes included', async () => {
    const github = gitHubFor(fake, 'push-token');
    expect(await github.resolveCommit({ tag_name: 'v1.0.0', target_commitish: 'main' })).toEqual({ sha: MAIN, source: 'branch' });
    expect(await github.resolveCommit({ tag_name: 'v1.0.0', target_commitish: 'release/1.x' })).toEqual({
      sha: PINNED,
      source: 'branch',
    });
  });

  it('verifies a target SHA exists', async () => {
    const commit = await gitHubFor(fake, 'push-token').resolveCommit({ tag_name: 'v1.0.0', target_commitish: MAIN.toUpperCase() });
    expect(commit).toEqual({ sha: MAIN, source: 'sha' });
  });

  it('says which target does not exist', async () => {
    const github = gitHubFor(fake, 'push-token');
    expect(await thrownMessage(github.resolveCommit({ tag_name: 'v1.0.0', target_commitish: 'gone' }))).toMatch(
      /^GitHub: release v1\.0\.0 targets "gone", which is neither a branch nor a commit SHA in ephpm\/ephemerd/,
    );
    const missingSha = 'f'.repeat(40);
    expect(await thrownMessage(github.resolveCommit({ tag_name: 'v1.0.0', target_commitish: missingSha }))).toContain(
      `targets commit ${missingSha}, which does not exist in ephpm/ephemerd`,
    );
  });
});
