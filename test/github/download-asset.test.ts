import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { createGitHub } from '../../src/github/github.ts';
import { FAST_RETRY, gitHubFor, thrownMessage } from './github-on-fake.ts';

const bytes = randomBytes(3 * 1024 * 1024 + 17);
const sha256 = createHash('sha256').update(bytes).digest('hex');

let fake: FakeGitHub;
let dir: string;
let asset: { id: number; name: string; size: number };
beforeEach(async () => {
  fake = await startFakeGitHub();
  dir = await mkdtemp(join(tmpdir(), 'smoke-download-'));
  const release = fake.addRelease({ tag_name: 'v1.0.0', draft: true });
  const name = 'ephemerd_v1.0.0_linux_amd64.tar.gz';
  asset = { id: release.addAsset({ name, content: bytes }).id, name, size: bytes.length };
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('downloadAsset', () => {
  it('follows the redirect to storage without sending the token there, hashing as it streams', async () => {
    const dest = join(dir, asset.name);
    const progress: number[] = [];
    const got = await gitHubFor(fake, 'push-token').downloadAsset(asset, dest, { onProgress: (b) => progress.push(b) });
    expect(got).toEqual({ sha256, bytes: bytes.length });
    expect((await readFile(dest)).equals(bytes)).toBe(true);
    expect(await readdir(dir)).toEqual([asset.name]);
    expect(progress.at(-1)).toBe(bytes.length);
    const hops = fake.requests.map((r) => [r.origin, r.status, r.hasAuthorization]);
    expect(hops).toEqual([
      ['api', 302, true],
      ['storage', 200, false],
    ]);
  });

  it('reads the bytes from the API itself when it answers 200 instead of redirecting', async () => {
    const api = createServer((req, res) => {
      if (req.url !== `/repos/ephpm/ephemerd/releases/assets/${asset.id}` || req.headers.accept !== 'application/octet-stream') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }).end(bytes);
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      const github = createGitHub({ apiUrl, token: 'push-token', repo: 'ephpm/ephemerd', retry: FAST_RETRY });
      const dest = join(dir, asset.name);
      expect(await github.downloadAsset(asset, dest)).toEqual({ sha256, bytes: bytes.length });
      expect((await readFile(dest)).equals(bytes)).toBe(true);
    } finally {
      await new Promise((resolve) => api.close(resolve));
    }
  });

  it('names what storage said when it refuses the signed URL', async () => {
    fake.fault({ kind: 'storage-status', status: 403 });
    const message = await thrownMessage(gitHubFor(fake, 'push-token').downloadAsset(asset, join(dir, asset.name)));
    expect(message).toBe(`GitHub: could not download ${asset.name} (asset ${asset.id}) from ephpm/ephemerd: storage answered 403 (Request has expired)`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves no file behind when the body is cut off', async () => {
    fake.fault({ kind: 'truncate', afterBytes: 1024 * 1024 });
    const dest = join(dir, asset.name);
    const message = await thrownMessage(gitHubFor(fake, 'push-token').downloadAsset(asset, dest));
    expect(message).toMatch(new RegExp(`^GitHub: download of ${asset.name} (failed|ended) after \\d+ of ${bytes.length} bytes`));
    expect(await readdir(dir)).toEqual([]);
  });

  it('retries a storage 500 and then succeeds', async () => {
    fake.fault({ kind: 'storage-status', status: 500 });
    const got = await gitHubFor(fake, 'push-token').downloadAsset(asset, join(dir, asset.name));
    expect(got.sha256).toBe(sha256);
    expect(fake.requests.filter((r) => r.origin === 'storage').map((r) => r.status)).toEqual([500, 200]);
  });

  it('names the asset and the permission when the asset is gone', async () => {
    fake.removeAsset(asset.id);
    const message = await thrownMessage(gitHubFor(fake, 'push-token').downloadAsset(asset, join(dir, asset.name)));
    expect(message).toMatch(/^GitHub: could not download ephemerd_v1\.0\.0_linux_amd64\.tar\.gz \(asset \d+\) from ephpm\/ephemerd: 404 Not Found \(the asset may have been deleted/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops when aborted and leaves no partial file', async () => {
    fake.fault({ kind: 'slow', bytesPerSecond: 2 * 1024 * 1024 });
    const controller = new AbortController();
    const dest = join(dir, asset.name);
    const download = gitHubFor(fake, 'push-token').downloadAsset(asset, dest, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(await thrownMessage(download)).toMatch(/^GitHub: download of .* failed after \d+ of \d+ bytes: .*abort/i);
    expect(await readdir(dir)).toEqual([]);
  });

  it('feeds a tee every byte it writes, in order, waiting on a slow tee (backpressure)', async () => {
    const seen: Buffer[] = [];
    let mostBuffered = 0;
    const tee = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, done) {
        seen.push(chunk);
        // What the downloader wrote but the tee has not taken yet (this chunk included).
        mostBuffered = Math.max(mostBuffered, this.writableLength);
        // A consumer slower than the loopback download, as gunzip can be.
        setTimeout(done, 2);
      },
    });
    const ended = new Promise<void>((resolve) => tee.on('finish', resolve));
    const got = await gitHubFor(fake, 'push-token').downloadAsset(asset, join(dir, asset.name), { tee });
    await ended;
    expect(got.sha256).toBe(sha256);
    expect(Buffer.concat(seen).equals(bytes)).toBe(true);
    // Pieces are 1 MiB batches (plus at most one socket read); without backpressure most of
    // the 3 MiB would pile up in the tee's buffer.
    expect(mostBuffered).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('destroys the tee with the error when the body is cut off, so its reader stops waiting', async () => {
    fake.fault({ kind: 'truncate', afterBytes: 1024 * 1024 });
    const seen: Buffer[] = [];
    const tee = new Writable({
      write(chunk: Buffer, _encoding, done) {
        seen.push(chunk);
        done();
      },
    });
    const teeError = new Promise<Error>((resolve) => tee.on('error', resolve));
    const message = await thrownMessage(gitHubFor(fake, 'push-token').downloadAsset(asset, join(dir, asset.name), { tee }));
    expect((await teeError).message).toBe(message);
    expect(tee.writableFinished).toBe(false);
    expect(Buffer.concat(seen).equals(bytes.subarray(0, Buffer.concat(seen).length))).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });
});
