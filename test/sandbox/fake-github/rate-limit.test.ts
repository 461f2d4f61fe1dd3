import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub } from '../../../src/sandbox/fake-github/index.ts';
import type { FakeGitHub } from '../../../src/sandbox/fake-github/index.ts';
import { PUSH, READ, call } from './call-fake.ts';

describe('fake GitHub rate limits and conditional requests', () => {
  let fake: FakeGitHub;
  beforeEach(async () => {
    fake = await startFakeGitHub({ rateLimit: 4 });
    fake.addRelease({ tag_name: 'v1.0.0' });
  });
  afterEach(() => fake.close());

  it('sends every X-RateLimit header on every response', async () => {
    const res = await call(fake, '/releases/tags/nope', { token: PUSH });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-ratelimit-limit')).toBe('4');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('3');
    expect(res.headers.get('x-ratelimit-used')).toBe('1');
    expect(res.headers.get('x-ratelimit-resource')).toBe('core');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('answers 304 to a matching If-None-Match without spending the rate limit', async () => {
    const first = await call(fake, '/releases', { token: PUSH });
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get('x-ratelimit-remaining')).toBe('3');
    for (let i = 0; i < 5; i++) {
      const again = await call(fake, '/releases', { token: PUSH, headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('x-ratelimit-remaining')).toBe('3');
    }
    // A change gives a new representation and a new ETag.
    fake.addRelease({ tag_name: 'v1.1.0', draft: true });
    const changed = await call(fake, '/releases', { token: PUSH, headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('answers 403 with Remaining 0 once a token spent its limit; other tokens keep theirs', async () => {
    for (let i = 0; i < 4; i++) expect((await call(fake, '/releases', { token: PUSH })).status).toBe(200);
    const over = await call(fake, '/releases', { token: PUSH });
    expect(over.status).toBe(403);
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(fake.requests.at(-1)).toMatchObject({ status: 403, rateLimited: true });
    expect((await call(fake, '/releases', { token: READ })).headers.get('x-ratelimit-remaining')).toBe('3');
  });
});
