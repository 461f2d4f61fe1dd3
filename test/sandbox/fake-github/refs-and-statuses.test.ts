import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { components } from '@octokit/openapi-types';
import { startFakeGitHub } from '../../../src/sandbox/fake-github/index.ts';
import type { CommitStatus, FakeGitHub } from '../../../src/sandbox/fake-github/index.ts';
import { PUSH, READ, SHA_A, SHA_B, call, callJson } from './call-fake.ts';

type Combined = components['schemas']['combined-commit-status'];

describe('fake GitHub refs, commits and statuses', () => {
  let fake: FakeGitHub;
  beforeEach(async () => {
    fake = await startFakeGitHub();
    fake.setBranch('main', SHA_A);
    fake.setTag('v1.0.0', SHA_B);
  });
  afterEach(() => fake.close());

  it('resolves branches, tags and abbreviated SHAs, and answers GitHub errors for unknown ones', async () => {
    expect((await callJson(fake, '/git/ref/heads/main', { token: READ })).json).toMatchObject({ ref: 'refs/heads/main', object: { sha: SHA_A, type: 'commit' } });
    expect((await callJson(fake, '/git/ref/tags/v1.0.0', { token: READ })).json).toMatchObject({ object: { sha: SHA_B } });
    expect((await call(fake, '/git/ref/tags/v1.1.0', { token: READ })).status).toBe(404);
    expect((await call(fake, '/git/ref/heads/v1.0.0', { token: READ })).status).toBe(404);
    expect((await callJson(fake, '/commits/main')).json).toMatchObject({ sha: SHA_A });
    expect((await callJson(fake, '/commits/v1.0.0')).json).toMatchObject({ sha: SHA_B });
    expect((await callJson(fake, `/commits/${SHA_B.slice(0, 10)}`)).json).toMatchObject({ sha: SHA_B });
    expect((await callJson(fake, '/commits/no-such-branch')).status).toBe(422);
    expect((await callJson(fake, '/branches/main')).json).toMatchObject({ name: 'main', commit: { sha: SHA_A } });
    expect((await callJson(fake, '/branches/v1.0.0')).status).toBe(404);
  });

  it("knows a release's target_commitish SHA as a commit", async () => {
    const sha = 'c'.repeat(40);
    fake.addRelease({ tag_name: 'v1.1.0', draft: true, target_commitish: sha });
    expect((await callJson(fake, `/commits/${sha}`)).json).toMatchObject({ sha });
  });

  it('records statuses newest first and combines the latest per context', async () => {
    const post = (body: object) => callJson<CommitStatus>(fake, `/statuses/${SHA_A}`, { token: PUSH, method: 'POST', body });
    expect((await post({ state: 'pending', context: 'smoke', description: 'running' })).status).toBe(201);
    await post({ state: 'success', context: 'smoke', description: '4/4 passed', target_url: 'https://example.com/run/1' });
    await post({ state: 'success', context: 'lint' });
    expect(fake.statuses(SHA_A).map((s) => [s.context, s.state])).toEqual([['lint', 'success'], ['smoke', 'success'], ['smoke', 'pending']]);
    expect(fake.statuses(SHA_A)[1]).toMatchObject({ description: '4/4 passed', target_url: 'https://example.com/run/1', creator: { login: 'ephpm-release-bot' } });

    const listed = await callJson<CommitStatus[]>(fake, '/commits/main/statuses', { token: READ });
    expect(listed.json.map((s) => s.state)).toEqual(['success', 'success', 'pending']);
    const combined = await callJson<Combined>(fake, '/commits/main/status', { token: READ });
    expect(combined.json).toMatchObject({ state: 'success', sha: SHA_A, total_count: 2 });

    await post({ state: 'failure', context: 'smoke' });
    expect((await callJson<Combined>(fake, `/commits/${SHA_A}/status`)).json.state).toBe('failure');
    expect((await callJson<Combined>(fake, '/commits/v1.0.0/status')).json).toMatchObject({ state: 'pending', total_count: 0 });
  });

  it('refuses statuses without push access, with a bad state, or for an unknown SHA', async () => {
    expect((await call(fake, `/statuses/${SHA_A}`, { token: READ, method: 'POST', body: { state: 'success' } })).status).toBe(403);
    expect((await call(fake, `/statuses/${SHA_A}`, { method: 'POST', body: { state: 'success' } })).status).toBe(401);
    const bad = await callJson(fake, `/statuses/${SHA_A}`, { token: PUSH, method: 'POST', body: { state: 'passed' } });
    expect(bad).toMatchObject({ status: 422, json: { message: 'Validation Failed', errors: [{ field: 'state' }] } });
    expect((await call(fake, `/statuses/${'e'.repeat(40)}`, { token: PUSH, method: 'POST', body: { state: 'success' } })).status).toBe(422);
    expect(fake.statuses(SHA_A)).toEqual([]);
  });
});
