import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { gitHubFor } from './github-on-fake.ts';

const SHA = 'b'.repeat(40);

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub();
});
afterEach(async () => {
  await fake.close();
});

describe('updateReleaseBody', () => {
  it('sends only the body, and the draft stays a draft', async () => {
    const release = fake.addRelease({ tag_name: 'v1.0.0', draft: true, prerelease: true, name: 'Keep me', body: 'old' });
    const github = gitHubFor(fake, 'push-token');
    const updated = await github.updateReleaseBody(release.id, 'new body');
    expect(updated.body).toBe('new body');
    const patch = fake.requests.find((r) => r.method === 'PATCH');
    expect(patch?.requestBody).toEqual({ body: 'new body' });
    expect(fake.release(release.id)).toMatchObject({ draft: true, prerelease: true, name: 'Keep me', tag_name: 'v1.0.0' });
    expect((await github.getRelease(release.id)).body).toBe('new body');
  });
});

describe('commit statuses', () => {
  it('posts a status and lists it back by context, newest first', async () => {
    fake.setBranch('main', SHA);
    const github = gitHubFor(fake, 'push-token');
    await github.createCommitStatus(SHA, { state: 'pending', context: 'smoke', description: 'testing' });
    await github.createCommitStatus(SHA, { state: 'success', context: 'other', description: 'unrelated' });
    await github.createCommitStatus(SHA, {
      state: 'failure',
      context: 'smoke',
      description: 'x'.repeat(200),
      targetUrl: 'https://ci.example/run/1',
    });
    const mine = await github.listCommitStatuses(SHA, 'smoke');
    expect(mine.map((s) => s.state)).toEqual(['failure', 'pending']);
    expect(mine[0]?.target_url).toBe('https://ci.example/run/1');
    expect(mine[0]?.description).toHaveLength(140);
    expect(fake.statuses(SHA)).toHaveLength(3);
  });
});
