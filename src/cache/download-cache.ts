import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PassThrough, type Readable } from 'node:stream';
import { errorText, GitHubError } from '../domain/errors.ts';
import type { GitHub } from '../github/github.ts';
import type { ReleaseAsset } from '../github/types.ts';

/** Reads a download's bytes as they stream (a tee); must read `source` to its end and never reject. */
export type ReadAlong<T> = (source: Readable) => Promise<T | null>;

export interface CachedAssetRequest<T> {
  /** Downloads live here under `<asset id>-<sha256>/`, so a re-uploaded asset never meets an old copy. */
  cacheDir: string;
  /** What the bytes must hash to, when known: a cached copy is used only if it still does. */
  expectedSha256: string | null;
  onProgress: (bytes: number, total: number) => void;
  /** Told before the one retry of a transient failure. */
  onRetry: (message: string) => void;
  signal?: AbortSignal;
  readAlong?: ReadAlong<T>;
}

export type CachedAsset<T> =
  | {
      ok: true;
      path: string;
      sha256: string;
      reused: boolean;
      bytes: number;
      /** Only for a fresh download that fed every byte to `readAlong`; `downloadedAt` is when the bytes were in. */
      readAlong?: { result: Promise<T | null>; downloadedAt: number };
    }
  | { ok: false; reason: string };

/** The tee's buffer: enough to keep the reader busy between network chunks, small enough to not matter. */
const TEE_BUFFER = 1 << 20;

/**
 * The asset's bytes on disk: a cached copy whose hash still matches (a disk that lost or changed
 * bytes must not pass for the release), or a fresh download, tried once more after a transient
 * failure. A download that did not complete leaves no file behind.
 */
export async function cachedAsset<T>(github: Pick<GitHub, 'downloadAsset'>, asset: ReleaseAsset, request: CachedAssetRequest<T>): Promise<CachedAsset<T>> {
  const expected = request.expectedSha256;
  const dir = join(request.cacheDir, `${asset.id}-${expected ?? 'unverified'}`);
  const path = join(dir, safeFileName(asset.name));
  if (expected) {
    const cached = await hashIfPresent(path);
    if (cached?.sha256 === expected) return { ok: true, path, sha256: cached.sha256, bytes: cached.bytes, reused: true };
    if (cached) await rm(path, { force: true });
  }
  const download = async (): Promise<CachedAsset<T>> => {
    await mkdir(dir, { recursive: true });
    // Each attempt gets its own tee and reader: a cut attempt's tee is destroyed, its reading dropped.
    const tee = request.readAlong ? new PassThrough({ highWaterMark: TEE_BUFFER }) : undefined;
    const reading = tee && request.readAlong?.(tee);
    const got = await github.downloadAsset(asset, path, {
      onProgress: request.onProgress,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(tee ? { tee } : {}),
    });
    const obtained = { ok: true as const, path, sha256: got.sha256, bytes: got.bytes, reused: false };
    if (!reading || !tee) return obtained;
    // A downloader that did not end the tee did not feed it every byte: the caller reads the file instead.
    if (!tee.writableEnded) {
      tee.destroy();
      return obtained;
    }
    return { ...obtained, readAlong: { result: reading, downloadedAt: performance.now() } };
  };
  try {
    return await download();
  } catch (first) {
    // A cut connection or a storage hiccup (an expired signed URL answers 403) is worth one more try.
    if (!isTransient(first) || request.signal?.aborted) return { ok: false, reason: errorText(first) };
    request.onRetry(`${errorText(first)}: downloading ${asset.name} once more`);
    try {
      return await download();
    } catch (second) {
      return { ok: false, reason: `${errorText(second)} (after one retry)` };
    }
  }
}

/** No answer, a cut body, a refused or failing storage hop: not a verdict on the asset. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof GitHubError)) return false;
  const { status } = error;
  return status === undefined || status === 403 || status === 408 || status === 429 || status >= 500;
}

async function hashIfPresent(path: string): Promise<{ sha256: string; bytes: number } | null> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!info) return null;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { sha256: hash.digest('hex'), bytes: info.size };
}

/** Asset names come from GitHub: keep them from naming a path outside the cache. */
function safeFileName(name: string): string {
  const flat = name.replace(/[/\\]/g, '_');
  return flat === '' || flat === '.' || flat === '..' ? `asset-${flat.length}` : flat;
}
