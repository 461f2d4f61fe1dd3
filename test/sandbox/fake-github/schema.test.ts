// Every JSON answer the fake gives, for every endpoint, success and error, must conform to
// GitHub's published OpenAPI schema for that operation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub } from '../../../src/sandbox/fake-github/index.ts';
import type { FakeGitHub } from '../../../src/sandbox/fake-github/index.ts';
import { githubOperationIds, githubSchemaVersion, validateGitHubResponse } from '../../support/github-schema.ts';
import { PUSH, READ, SHA_A, SHA_B, call } from './call-fake.ts';

describe('fake GitHub responses against GitHub OpenAPI schemas', () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startFakeGitHub();
    fake.setBranch('main', SHA_A);
    fake.setBranch('release/1.x', SHA_B);
    fake.setTag('v1.0.0', SHA_B);
    const published = fake.addRelease({ tag_name: 'v1.0.0', target_commitish: 'main', body: 'notes' });
    published.addAsset({ name: 'checksums.txt', content: 'x\n' });
    published.addAsset({ name: 'old.tar.gz', content: 'y', digest: null });
    const draft = fake.addRelease({ tag_name: 'v1.1.0-rc.1', draft: true, prerelease: true, target_commitish: SHA_B });
    draft.addAsset({ name: 'ephemerd_v1.1.0-rc.1_linux_amd64.tar.gz', content: 'z', state: 'open' });
    for (let i = 0; i < 4; i++) fake.addRelease({ tag_name: `deps-${i}` });
  });
  afterAll(() => fake.close());

  it('has schemas stamped with the spec version', () => {
    expect(githubSchemaVersion.packageVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(githubSchemaVersion.infoVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('validates every recorded response, covering every operation', async () => {
    const [published, draft] = [fake.release(200_000_001), fake.release(200_000_002)];
    const assetId = published.assets[0]?.id ?? 0;
    const exchanges: Array<[string, Parameters<typeof call>[2]]> = [
      ['/releases?per_page=2&page=2', { token: PUSH }],
      ['/releases', { token: READ }],
      ['/releases', {}],
      ['/releases/tags/v1.0.0', { token: READ }],
      ['/releases/tags/v1.1.0-rc.1', { token: PUSH }],
      [`/releases/${draft.id}`, { token: PUSH }],
      [`/releases/${draft.id}`, { token: READ }],
      [`/releases/${published.id}`, { token: 'wrong-token' }],
      [`/releases/${draft.id}`, { token: PUSH, method: 'PATCH', body: { body: 'new body', name: 'RC 1' } }],
      [`/releases/${draft.id}`, { token: READ, method: 'PATCH', body: { body: 'x' } }],
      [`/releases/${draft.id}`, { method: 'PATCH', body: { body: 'x' } }],
      [`/releases/${draft.id}`, { token: PUSH, method: 'PATCH', body: { body: 'x'.repeat(125_001) } }],
      [`/releases/999`, { token: PUSH, method: 'PATCH', body: { body: 'x' } }],
      [`/releases/${published.id}/assets?per_page=1`, { token: READ }],
      [`/releases/${draft.id}/assets`, { token: PUSH }],
      [`/releases/${draft.id}/assets`, { token: READ }],
      [`/releases/assets/${assetId}`, { token: READ }],
      [`/releases/assets/${assetId}`, { token: READ, accept: 'application/octet-stream' }],
      [`/releases/assets/${draft.assets[0]?.id ?? 0}`, { token: READ }],
      ['/git/ref/heads/main', { token: READ }],
      ['/git/ref/tags/v1.0.0', { token: READ }],
      ['/git/ref/heads%2Frelease%2F1.x', { token: READ }],
      ['/git/ref/tags/v9.9.9', { token: READ }],
      ['/commits/main', { token: READ }],
      [`/commits/${SHA_B.slice(0, 7)}`, { token: READ }],
      ['/commits/nope', { token: READ }],
      ['/branches/release%2F1.x', { token: READ }],
      ['/branches/nope', { token: READ }],
      [`/statuses/${SHA_A}`, { token: PUSH, method: 'POST', body: { state: 'pending', context: 'smoke', description: 'running' } }],
      [`/statuses/${SHA_A}`, { token: PUSH, method: 'POST', body: { state: 'success', context: 'smoke', target_url: 'https://example.com/r' } }],
      [`/statuses/${SHA_A}`, { token: PUSH, method: 'POST', body: { state: 'failure', context: 'other' } }],
      [`/statuses/${SHA_A}`, { token: PUSH, method: 'POST', body: { state: 'bogus' } }],
      [`/statuses/${SHA_A}`, { token: READ, method: 'POST', body: { state: 'success' } }],
      [`/statuses/${'f'.repeat(40)}`, { token: PUSH, method: 'POST', body: { state: 'success' } }],
      ['/commits/main/statuses?per_page=2', { token: READ }],
      ['/commits/main/status', { token: READ }],
      [`/commits/${SHA_B}/status`, { token: READ }],
      ['/commits/nope/status', { token: READ }],
    ];
    for (const [path, options] of exchanges) await (await call(fake, path, options)).arrayBuffer();
    fake.fault({ kind: 'status', status: 502 });
    fake.fault({ kind: 'secondary-rate-limit', retryAfterSeconds: 1 });
    fake.fault({ kind: 'primary-rate-limit', resetInSeconds: 60 });
    for (let i = 0; i < 3; i++) await (await call(fake, '/releases', { token: PUSH })).arrayBuffer();
    const first = await call(fake, '/releases', { token: PUSH });
    await call(fake, '/releases', { token: PUSH, headers: { 'if-none-match': first.headers.get('etag') ?? '' } });

    const api = fake.requests.filter((r) => r.origin === 'api');
    expect(api.every((r) => r.operationId !== undefined)).toBe(true);
    expect(new Set(api.map((r) => r.operationId))).toEqual(new Set(githubOperationIds()));
    const violations = api.flatMap((r) => validateGitHubResponse(r.operationId ?? '', r.status, r.responseBody).map((v) => `${r.method} ${r.path}: ${v}`));
    expect(violations).toEqual([]);
    // The run saw the statuses that matter, not only 200s.
    expect(new Set(api.map((r) => r.status))).toEqual(new Set([200, 201, 302, 304, 401, 403, 404, 422, 502]));
  });

  it('rejects a response that does not match (the validator is not vacuous)', () => {
    const release = fake.release(200_000_001);
    expect(validateGitHubResponse('repos/get-release', 200, release)).toEqual([]);
    const { digest: _digest, ...withoutDigest } = release.assets[0] ?? { digest: null };
    expect(validateGitHubResponse('repos/get-release-asset', 200, withoutDigest)).not.toEqual([]);
    expect(validateGitHubResponse('repos/get-release', 200, { ...release, published_at: 'yesterday' })).not.toEqual([]);
    expect(validateGitHubResponse('repos/list-releases', 200, [{ ...release, author: null }])).not.toEqual([]);
  });
});
