import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub } from '../../../src/sandbox/fake-github/index.ts';
import type { FakeGitHub, FakeRepository, Release } from '../../../src/sandbox/fake-github/index.ts';
import { validateGitHubResponse } from '../../support/github-schema.ts';
import { PUSH, SHA_A, callJson } from './call-fake.ts';

describe('fake GitHub with several repositories', () => {
  let fake: FakeGitHub;
  let agent: FakeRepository;
  beforeAll(async () => {
    fake = await startFakeGitHub();
    agent = fake.addRepository('ephpm/ephemerd-agent');
  });
  afterAll(() => fake.close());

  it('keeps each repository\'s releases apart, with ids unique across them and answers valid by GitHub\'s schema', async () => {
    const mine = fake.addRelease({ tag_name: 'v1.0.0', draft: true });
    const theirs = agent.addRelease({ tag_name: 'v1.0.0', draft: true });
    const asset = agent.addAsset(theirs.id, { name: 'checksums.txt', content: 'x\n' });
    expect(theirs.id).not.toBe(mine.id);
    const from = fake.requests.length;
    const main = await callJson<Release[]>(fake, '/releases', { token: PUSH });
    const other = await callJson<Release[]>(fake, `${fake.url}/repos/ephpm/ephemerd-agent/releases`, { token: PUSH });
    expect(main.json.map((r) => r.id)).toEqual([mine.id]);
    expect(other.json.map((r) => r.id)).toEqual([theirs.id]);
    expect(other.json[0]!.assets.map((a) => a.id)).toEqual([asset.id]);
    expect(other.json[0]!.url).toBe(`${fake.url}/repos/ephpm/ephemerd-agent/releases/${theirs.id}`);
    for (const r of fake.requests.slice(from)) expect(validateGitHubResponse(r.operationId!, r.status, r.responseBody)).toEqual([]);
    // The release as the test reads it back comes from its own repository only.
    expect(() => fake.release(theirs.id)).toThrow(/no release/);
    expect(agent.release(theirs.id).tag_name).toBe('v1.0.0');
  });

  it('posts statuses into the repository asked, and answers 404 for a repository it does not serve', async () => {
    agent.setBranch('main', SHA_A);
    const posted = await callJson(fake, `${fake.url}/repos/ephpm/ephemerd-agent/statuses/${SHA_A}`, { token: PUSH, method: 'POST', body: { state: 'success', context: 'smoke-test' } });
    expect(posted.status).toBe(201);
    expect(agent.statuses(SHA_A).map((s) => s.state)).toEqual(['success']);
    expect(fake.statuses(SHA_A)).toEqual([]);
    const missing = await callJson(fake, `${fake.url}/repos/ephpm/gone/releases`, { token: PUSH });
    expect(missing.status).toBe(404);
  });
});
