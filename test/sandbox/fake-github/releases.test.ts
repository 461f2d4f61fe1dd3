import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub } from '../../../src/sandbox/fake-github/index.ts';
import type { FakeGitHub, Release } from '../../../src/sandbox/fake-github/index.ts';
import { PUSH, READ, call, callJson } from './call-fake.ts';

describe('fake GitHub releases', () => {
  let fake: FakeGitHub;
  beforeEach(async () => {
    fake = await startFakeGitHub();
  });
  afterEach(() => fake.close());

  const tags = async (token?: string): Promise<string[]> => {
    const { json } = await callJson<Release[]>(fake, '/releases', token ? { token } : {});
    return json.map((r) => r.tag_name);
  };

  it('shows drafts only to a token with push access, newest first', async () => {
    fake.addRelease({ tag_name: 'v1.0.0' });
    fake.addRelease({ tag_name: 'v1.1.0', draft: true });
    expect(await tags(PUSH)).toEqual(['v1.1.0', 'v1.0.0']);
    expect(await tags(READ)).toEqual(['v1.0.0']);
    expect(await tags()).toEqual(['v1.0.0']);
  });

  it('hides a draft by id from read and anonymous callers', async () => {
    const draft = fake.addRelease({ tag_name: 'v1.1.0', draft: true });
    expect((await call(fake, `/releases/${draft.id}`, { token: READ })).status).toBe(404);
    expect((await call(fake, `/releases/${draft.id}`)).status).toBe(404);
    const seen = await callJson<Release>(fake, `/releases/${draft.id}`, { token: PUSH });
    expect(seen.json).toMatchObject({ id: draft.id, draft: true, published_at: null });
  });

  it('answers 404 by tag for a draft, even with push access, and finds a published one', async () => {
    fake.addRelease({ tag_name: 'v2.0.0', draft: true });
    const published = fake.addRelease({ tag_name: 'deps-linux-virt-6.12.83-r0' });
    const missing = await callJson(fake, '/releases/tags/v2.0.0', { token: PUSH });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ message: 'Not Found', documentation_url: expect.stringContaining('docs.github.com'), status: '404' });
    const found = await callJson<Release>(fake, '/releases/tags/deps-linux-virt-6.12.83-r0');
    expect(found.json.id).toBe(published.id);
  });

  it('paginates 250 releases with GitHub Link headers', async () => {
    for (let i = 1; i <= 250; i++) fake.addRelease({ tag_name: `v0.0.${i}` });
    const first = await callJson<Release[]>(fake, '/releases?per_page=100', { token: PUSH });
    expect(first.json).toHaveLength(100);
    expect(first.json[0]?.tag_name).toBe('v0.0.250');
    const link = (page: number): string => `<${fake.url}/repos/ephpm/ephemerd/releases?per_page=100&page=${page}>`;
    expect(first.headers.get('link')).toBe(`${link(2)}; rel="next", ${link(3)}; rel="last"`);

    const middle = await callJson<Release[]>(fake, '/releases?per_page=100&page=2', { token: PUSH });
    expect(middle.headers.get('link')).toBe(`${link(1)}; rel="prev", ${link(3)}; rel="next", ${link(3)}; rel="last", ${link(1)}; rel="first"`);

    const last = await callJson<Release[]>(fake, '/releases?per_page=100&page=3', { token: PUSH });
    expect(last.json.map((r) => r.tag_name)).toEqual(Array.from({ length: 50 }, (_, i) => `v0.0.${50 - i}`));
    expect(last.headers.get('link')).toBe(`${link(2)}; rel="prev", ${link(1)}; rel="first"`);

    // Following rel="next" from the default page size visits every release exactly once.
    const seen: string[] = [];
    let next: string | undefined = `${fake.url}/repos/ephpm/ephemerd/releases`;
    while (next) {
      const page: { json: Release[]; headers: Headers } = await callJson<Release[]>(fake, next, { token: PUSH });
      expect(page.json.length).toBeLessThanOrEqual(30);
      seen.push(...page.json.map((r) => r.tag_name));
      next = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    }
    expect(new Set(seen).size).toBe(250);
    expect(seen).toHaveLength(250);
  });

  it('caps per_page at 100 and sends no Link header when one page holds everything', async () => {
    for (let i = 1; i <= 120; i++) fake.addRelease({ tag_name: `v0.0.${i}` });
    expect((await callJson<Release[]>(fake, '/releases?per_page=500')).json).toHaveLength(100);
    const few = await startFakeGitHub();
    few.addRelease({ tag_name: 'v1.0.0' });
    const res = await call(few, '/releases');
    expect(res.headers.get('link')).toBeNull();
    await few.close();
  });

  it('updates a release with a push token and records every field sent', async () => {
    const draft = fake.addRelease({ tag_name: 'v1.1.0', draft: true, body: 'pipeline notes' });
    const sent = { body: 'pipeline notes\n<!-- smoke -->', name: 'v1.1.0 (smoked)' };
    const res = await callJson<Release>(fake, `/releases/${draft.id}`, { token: PUSH, method: 'PATCH', body: sent });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ...sent, draft: true });
    expect(fake.release(draft.id)).toMatchObject(sent);
    expect(fake.requests.find((r) => r.method === 'PATCH')?.requestBody).toEqual(sent);
  });

  it('refuses PATCH from a read token (403) and from anonymous callers (401), changing nothing', async () => {
    const draft = fake.addRelease({ tag_name: 'v1.1.0', draft: true, body: 'keep' });
    const read = await callJson(fake, `/releases/${draft.id}`, { token: READ, method: 'PATCH', body: { body: 'x' } });
    expect(read.status).toBe(403);
    expect(read.json).toMatchObject({ message: 'Resource not accessible by personal access token', status: '403' });
    expect((await call(fake, `/releases/${draft.id}`, { method: 'PATCH', body: { body: 'x' } })).status).toBe(401);
    expect(fake.release(draft.id).body).toBe('keep');
  });

  it('answers 401 Bad credentials to an unknown token', async () => {
    const res = await callJson(fake, '/releases', { token: 'stolen' });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ message: 'Bad credentials' });
  });

  it('rejects a body over GitHub limit with 422, and publishing sets published_at', async () => {
    const draft = fake.addRelease({ tag_name: 'v1.1.0', draft: true });
    const long = await callJson(fake, `/releases/${draft.id}`, { token: PUSH, method: 'PATCH', body: { body: 'x'.repeat(125_001) } });
    expect(long.status).toBe(422);
    expect(long.json).toMatchObject({ errors: [{ field: 'body', message: 'body is too long (maximum is 125000 characters)' }] });
    // Characters as GitHub counts them: 125,000 emoji (250,000 UTF-16 units) fit, one more does not.
    const emoji = await callJson(fake, `/releases/${draft.id}`, { token: PUSH, method: 'PATCH', body: { body: '😀'.repeat(125_000) } });
    expect(emoji.status).toBe(200);
    const over = await callJson(fake, `/releases/${draft.id}`, { token: PUSH, method: 'PATCH', body: { body: '😀'.repeat(125_000) + 'x' } });
    expect(over.status).toBe(422);
    const published = await callJson<Release>(fake, `/releases/${draft.id}`, { token: PUSH, method: 'PATCH', body: { draft: false } });
    expect(published.json.published_at).not.toBeNull();
    expect(await tags(READ)).toEqual(['v1.1.0']);
  });
});
