import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub } from '../../../src/sandbox/fake-github/index.ts';
import type { FakeGitHub, ReleaseAsset } from '../../../src/sandbox/fake-github/index.ts';
import { PUSH, READ, call, callJson } from './call-fake.ts';

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

describe('fake GitHub assets and storage origin', () => {
  let dir: string;
  let fake: FakeGitHub;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fake-github-assets-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    fake = await startFakeGitHub();
  });
  afterEach(() => fake.close());

  it('redirects an octet-stream request to the storage origin, which serves the file from disk', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const file = join(dir, 'ephemerd_v1.1.0_linux_amd64.tar.gz');
    writeFileSync(file, bytes);
    const release = fake.addRelease({ tag_name: 'v1.1.0', draft: true });
    const { id } = release.addAsset({ name: 'ephemerd_v1.1.0_linux_amd64.tar.gz', file });

    const redirect = await call(fake, `/releases/assets/${id}`, { token: PUSH, accept: 'application/octet-stream' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location.startsWith(`${fake.storageUrl}/`)).toBe(true);

    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-length')).toBe(String(bytes.length));
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(bytes));

    // Node's fetch follows the redirect and drops Authorization on the cross-origin hop.
    const followed = await call(fake, `/releases/assets/${id}`, { token: PUSH, accept: 'application/octet-stream', redirect: 'follow' });
    expect(Buffer.from(await followed.arrayBuffer()).equals(bytes)).toBe(true);
    expect(fake.requests.filter((r) => r.origin === 'storage').map((r) => r.hasAuthorization)).toEqual([false, false]);
  });

  it('storage answers 400 to a request carrying Authorization', async () => {
    const { id } = fake.addRelease({ tag_name: 'v1.0.0' }).addAsset({ name: 'checksums.txt', content: 'x' });
    const location = (await call(fake, `/releases/assets/${id}`, { accept: 'application/octet-stream' })).headers.get('location') ?? '';
    const res = await fetch(location, { headers: { authorization: 'token push-token' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Only one auth mechanism allowed');
    expect(fake.requests.at(-1)).toMatchObject({ origin: 'storage', status: 400, hasAuthorization: true });
  });

  it('returns JSON metadata with digest and state without the octet-stream Accept', async () => {
    const release = fake.addRelease({ tag_name: 'v1.0.0' });
    const auto = release.addAsset({ name: 'checksums.txt', content: 'abc' });
    const old = release.addAsset({ name: 'old.zip', content: 'abc', digest: null });
    const given = release.addAsset({ name: 'partial.zip', content: 'abc', digest: `sha256:${'0'.repeat(64)}`, state: 'open' });
    const meta = async (id: number): Promise<ReleaseAsset> => (await callJson<ReleaseAsset>(fake, `/releases/assets/${id}`, { token: READ })).json;
    expect(await meta(auto.id)).toMatchObject({ id: auto.id, name: 'checksums.txt', size: 3, digest: `sha256:${sha256('abc')}`, state: 'uploaded' });
    expect((await meta(old.id)).digest).toBeNull();
    expect(await meta(given.id)).toMatchObject({ digest: `sha256:${'0'.repeat(64)}`, state: 'open' });
  });

  it('computes the digest of an asset file by reading it', async () => {
    const file = join(dir, 'win.zip');
    writeFileSync(file, 'windows bytes');
    const { id } = fake.addRelease({ tag_name: 'v1.0.0' }).addAsset({ name: 'win.zip', file });
    expect((await callJson<ReleaseAsset>(fake, `/releases/assets/${id}`)).json.digest).toBe(`sha256:${sha256('windows bytes')}`);
  });

  it("hides a draft's assets from a read token, and forgets a removed asset", async () => {
    const draft = fake.addRelease({ tag_name: 'v1.1.0', draft: true });
    const { id } = draft.addAsset({ name: 'checksums.txt', content: 'x' });
    expect((await call(fake, `/releases/assets/${id}`, { token: READ, accept: 'application/octet-stream' })).status).toBe(404);
    expect((await call(fake, `/releases/${draft.id}/assets`, { token: READ })).status).toBe(404);
    const location = (await call(fake, `/releases/assets/${id}`, { token: PUSH, accept: 'application/octet-stream' })).headers.get('location') ?? '';
    fake.removeAsset(id);
    expect((await call(fake, `/releases/assets/${id}`, { token: PUSH })).status).toBe(404);
    expect((await fetch(location)).status).toBe(404);
    expect((await callJson<ReleaseAsset[]>(fake, `/releases/${draft.id}/assets`, { token: PUSH })).json).toEqual([]);
  });

  it('paginates the asset list', async () => {
    const release = fake.addRelease({ tag_name: 'v1.0.0' });
    for (let i = 0; i < 5; i++) release.addAsset({ name: `a${i}`, content: String(i) });
    const page = await callJson<ReleaseAsset[]>(fake, `/releases/${release.id}/assets?per_page=2&page=3`);
    expect(page.json.map((a) => a.name)).toEqual(['a4']);
    expect(page.headers.get('link')).toContain('rel="first"');
  });
});
