import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub } from '../../../src/sandbox/fake-github/index.ts';
import type { FakeGitHub } from '../../../src/sandbox/fake-github/index.ts';
import { PUSH, call, callJson } from './call-fake.ts';

/** Reads a body until it ends or breaks; returns the bytes received and whether it broke. */
async function drain(res: Response): Promise<{ bytes: number; chunks: number; broken: boolean }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let bytes = 0;
  let chunks = 0;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      bytes += r.value.length;
      chunks += 1;
    }
    return { bytes, chunks, broken: false };
  } catch {
    return { bytes, chunks, broken: true };
  }
}

describe('fake GitHub faults', () => {
  let fake: FakeGitHub;
  let assetUrl: string;
  const SIZE = 1024 * 1024;
  beforeEach(async () => {
    fake = await startFakeGitHub();
    const { id } = fake.addRelease({ tag_name: 'v1.0.0' }).addAsset({ name: 'big.tar.gz', content: Buffer.alloc(SIZE, 1) });
    assetUrl = `/releases/assets/${id}`;
  });
  afterEach(() => fake.close());
  const download = (): Promise<Response> => call(fake, assetUrl, { token: PUSH, accept: 'application/octet-stream', redirect: 'follow' });

  it('answers a server error to the next `times` matching requests only', async () => {
    fake.fault({ kind: 'status', status: 503, times: 2, match: /^GET .*\/releases\/tags\// });
    expect((await call(fake, '/releases')).status).toBe(200);
    expect((await call(fake, '/releases/tags/v1.0.0')).status).toBe(503);
    const second = await callJson(fake, '/releases/tags/v1.0.0');
    expect(second).toMatchObject({ status: 503, json: { message: 'Service Unavailable', status: '503' } });
    expect((await call(fake, '/releases/tags/v1.0.0')).status).toBe(200);
  });

  it('answers a secondary rate limit with Retry-After, which octokit throttling recognises', async () => {
    fake.fault({ kind: 'secondary-rate-limit', retryAfterSeconds: 7 });
    const seen: number[] = [];
    const octokit = new (Octokit.plugin(throttling))({
      auth: PUSH,
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      baseUrl: fake.url,
      throttle: {
        retryAfterBaseValue: 1, // milliseconds per "second", so the retry is immediate
        onSecondaryRateLimit: (retryAfter: number) => (seen.push(retryAfter), true),
        onRateLimit: () => false,
      },
    });
    const res = await octokit.rest.repos.listReleases({ owner: 'ephpm', repo: 'ephemerd' });
    expect(res.data.map((r) => r.tag_name)).toEqual(['v1.0.0']);
    expect(seen).toEqual([7]);
    expect(fake.requests.map((r) => [r.status, r.rateLimited])).toEqual([[403, true], [200, false]]);
  });

  it('answers a primary rate limit with Remaining 0 and the reset time', async () => {
    fake.fault({ kind: 'primary-rate-limit', resetInSeconds: 120 });
    const res = await callJson(fake, '/releases', { token: PUSH });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ message: expect.stringContaining('API rate limit exceeded') });
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    const resetIn = Number(res.headers.get('x-ratelimit-reset')) - Date.now() / 1000;
    expect(resetIn).toBeGreaterThan(100);
    expect(resetIn).toBeLessThanOrEqual(121);
    expect((await call(fake, '/releases', { token: PUSH })).status).toBe(200);
  });

  it('cuts a storage body after N bytes, then serves the next download whole', async () => {
    fake.fault({ kind: 'truncate', afterBytes: 100_000 });
    expect(await drain(await download())).toMatchObject({ bytes: 100_000, broken: true });
    expect(await drain(await download())).toMatchObject({ bytes: SIZE, broken: false });
  });

  it('answers a storage error status once', async () => {
    fake.fault({ kind: 'storage-status', status: 403 });
    expect((await download()).status).toBe(403);
    expect((await download()).status).toBe(200);
  });

  it('throttles a slow storage body into small pieces without losing bytes', async () => {
    const small = fake.addRelease({ tag_name: 'v2.0.0' }).addAsset({ name: 'small.txt', content: 'y'.repeat(1000) });
    fake.fault({ kind: 'slow', bytesPerSecond: 2000 });
    const res = await call(fake, `/releases/assets/${small.id}`, { accept: 'application/octet-stream', redirect: 'follow' });
    const received = await drain(res);
    // Unthrottled, 1000 bytes are one write; throttled, 200-byte pieces 100 ms apart.
    expect(received.bytes).toBe(1000);
    expect(received.chunks).toBeGreaterThanOrEqual(3);
  });
});
