import { createServer, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHub } from '../../src/github/github.ts';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { FAST_RETRY, gitHubFor, thrownMessage } from './github-on-fake.ts';

const SECRET = 'ghp_SECRET0123456789abcdefSECRET';
const SHA = 'a'.repeat(40);

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub({ tokens: { [SECRET]: 'read', 'push-token': 'push' } });
});
afterEach(async () => {
  await fake.close();
});

function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to throw');
    },
    (error: unknown) => error,
  );
}

describe('what a user sees when GitHub says no', () => {
  it('401: names the environment variables, never the token', async () => {
    const bad = 'ghp_WRONG0123456789abcdefWRONG';
    const message = await thrownMessage(gitHubFor(fake, bad).listReleases());
    expect(message).toBe(
      'GitHub: could not list releases of ephpm/ephemerd: 401 Bad credentials (the GitHub token is missing or invalid: set GH_TOKEN or GITHUB_TOKEN)',
    );
    expect(message).not.toContain(bad);
  });

  it('403 on editing a release: names the permission', async () => {
    const release = fake.addRelease({ tag_name: 'v1.0.0', draft: true });
    const message = await thrownMessage(gitHubFor(fake, SECRET).updateReleaseBody(release.id, 'x'));
    expect(message).toMatch(
      new RegExp(`^GitHub: could not update the body of release ${release.id} of ephpm/ephemerd: 403 .*\\(listing drafts and editing them needs a token with push access \\(contents: write\\)\\)$`),
    );
  });

  it('404 on a draft the token cannot see: names the permission', async () => {
    const release = fake.addRelease({ tag_name: 'v1.0.0', draft: true });
    const message = await thrownMessage(gitHubFor(fake, SECRET).getRelease(release.id));
    expect(message).toBe(
      `GitHub: could not read release ${release.id} of ephpm/ephemerd: 404 Not Found (listing drafts and editing them needs a token with push access (contents: write))`,
    );
  });

  it('403 on commit statuses: names statuses: write', async () => {
    const message = await thrownMessage(
      gitHubFor(fake, SECRET).createCommitStatus(SHA, { state: 'success', context: 'smoke', description: 'ok' }),
    );
    expect(message).toMatch(/^GitHub: could not post commit status "smoke" on aaaaaaaaaaaa in ephpm\/ephemerd: 403 .*\(posting commit statuses needs a token with statuses: write\)$/);
  });

  it('never puts the token in any error, down the cause chain, or in its JSON', async () => {
    const github = gitHubFor(fake, SECRET);
    const release = fake.addRelease({ tag_name: 'v1.0.0', draft: true });
    const errors = await Promise.all([
      caught(github.updateReleaseBody(release.id, 'x')),
      caught(github.getRelease(release.id)),
      caught(github.createCommitStatus(SHA, { state: 'success', context: 'smoke', description: 'ok' })),
      caught(github.downloadAsset({ id: 999, name: 'gone.zip', size: 1 }, '/nonexistent/dir/gone.zip')),
    ]);
    for (const error of errors) {
      let current: unknown = error;
      while (current instanceof Error) {
        expect(current.message).not.toContain(SECRET);
        expect(String(current.stack)).not.toContain(SECRET);
        current = current.cause;
      }
      expect(JSON.stringify(error)).not.toContain(SECRET);
    }
  });
});

describe('when GitHub does not answer', () => {
  it('names the API URL setting instead of inventing a status', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const github = createGitHub({ apiUrl: `http://127.0.0.1:${port}`, token: SECRET, repo: 'ephpm/ephemerd', retry: FAST_RETRY });
    const message = await thrownMessage(github.listReleases());
    expect(message).toBe(
      `GitHub: could not list releases of ephpm/ephemerd: connect ECONNREFUSED 127.0.0.1:${port} (GitHub did not answer: check GITHUB_API_URL and the network)`,
    );
  });
});

describe('retries', () => {
  it('retries a 5xx with backoff and succeeds', async () => {
    fake.addRelease({ tag_name: 'v1.0.0' });
    fake.fault({ kind: 'status', status: 502, times: 2, match: /releases/ });
    expect(await gitHubFor(fake, 'push-token').listReleases()).toHaveLength(1);
    expect(fake.requests.map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it('gives up after the configured retries with the status in the message', async () => {
    fake.fault({ kind: 'status', status: 503, times: 5, match: /releases/ });
    const message = await thrownMessage(gitHubFor(fake, 'push-token').listReleases());
    expect(message).toMatch(/^GitHub: could not list releases of ephpm\/ephemerd: 503 /);
    expect(fake.requests).toHaveLength(1 + FAST_RETRY.retries);
  });

  it('waits out a secondary rate limit and retries', async () => {
    fake.addRelease({ tag_name: 'v1.0.0' });
    fake.fault({ kind: 'secondary-rate-limit', retryAfterSeconds: 2, match: /releases/ });
    expect(await gitHubFor(fake, 'push-token').listReleases()).toHaveLength(1);
    expect(fake.requests.map((r) => [r.status, r.rateLimited])).toEqual([
      [403, true],
      [200, false],
    ]);
  });

  it('does not wait for a rate limit further away than the cap', async () => {
    fake.fault({ kind: 'secondary-rate-limit', retryAfterSeconds: 3600, match: /releases/ });
    const message = await thrownMessage(gitHubFor(fake, 'push-token').listReleases());
    expect(message).toMatch(/^GitHub: could not list releases of ephpm\/ephemerd: 403 .*secondary rate limit.*\(GitHub's rate limit stopped the request/i);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries an exhausted primary limit once when it resets soon', async () => {
    fake.addRelease({ tag_name: 'v1.0.0' });
    fake.fault({ kind: 'primary-rate-limit', resetInSeconds: 1, times: 2, match: /releases/ });
    const message = await thrownMessage(gitHubFor(fake, 'push-token').listReleases());
    expect(message).toMatch(/^GitHub: could not list releases of ephpm\/ephemerd: 403 API rate limit exceeded.*\(GitHub's rate limit stopped the request until \d{4}-/);
    expect(fake.requests.map((r) => r.status)).toEqual([403, 403]);
  });

  it('honours a configured apiUrl with a trailing slash', async () => {
    const github = createGitHub({ apiUrl: `${fake.url}/`, token: 'push-token', repo: 'ephpm/ephemerd', retry: FAST_RETRY });
    expect(await github.listReleases()).toEqual([]);
  });
});
