import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReadableStream } from 'node:stream/web';
import { errorText, GitHubError, LocalError } from '../domain/errors.ts';
import { backoffBaseMs, type GitHubClient } from './client.ts';
import { IDLE_MS } from './http-send.ts';
import { getFromStorage, StorageAnswer } from './storage-get.ts';
import { scrub, toGitHubError } from './to-github-error.ts';
import type { ReleaseAsset } from './types.ts';

export interface DownloadOptions {
  /** Called as bytes arrive, at most once per MiB and once at the end. */
  onProgress?: (bytes: number, total: number) => void;
  signal?: AbortSignal;
  /**
   * Also gets every byte written to the file, in order, as it streams (to inspect the archive
   * in the same pass). Its backpressure slows the download, so memory stays flat. Ended once
   * the file is complete; destroyed with the error when the download fails, so a reader of it
   * never waits forever. A tee that closes early is simply no longer fed.
   */
  tee?: Writable;
}

export interface Downloaded {
  /** Lowercase hex of the bytes written. */
  sha256: string;
  bytes: number;
}

const PROGRESS_STEP = 1 << 20;
/**
 * Bytes go on to the hash, the file and the tee in pieces of this size, not the socket's
 * 64 KiB: a sixteenth of the file writes and gunzip jobs, each a hop to libuv's pool, which
 * halved the CPU of a 50 MiB download and inspection here.
 */
const BATCH_BYTES = 1 << 20;

/**
 * Streams a release asset to `destPath`, hashing as it goes, never holding it in memory.
 * Drafts' assets are only reachable through the API (`Accept: application/octet-stream`),
 * which redirects to a storage host; that hop carries no Authorization, as storage requires
 * (`requestBody`). The file appears at `destPath` only complete: bytes
 * land in a partial file that is renamed into place, and deleted on any failure.
 */
export async function downloadAsset(
  client: GitHubClient,
  asset: Pick<ReleaseAsset, 'id' | 'name' | 'size'>,
  destPath: string,
  options: DownloadOptions = {},
): Promise<Downloaded> {
  const context = { asset: asset.name };
  // The pid lets a later run tell a partial file of a killed process from one still being written.
  const partial = partialPath(destPath, process.pid, randomBytes(6).toString('hex'));
  const hash = createHash('sha256');
  const { tee } = options;
  let bytes = 0;
  let file: WriteStream | undefined;
  try {
    const body = await requestBody(client, asset, options.signal);
    let reported = 0;
    const meter = new Transform({
      writableHighWaterMark: BATCH_BYTES,
      readableHighWaterMark: BATCH_BYTES,
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        if (options.onProgress && bytes - reported >= PROGRESS_STEP) {
          reported = bytes;
          options.onProgress(bytes, asset.size);
        }
        if (tee) feed(tee, chunk).then(() => done(null, chunk), done);
        else done(null, chunk);
      },
    });
    // No fsync: a cached copy is hashed again before any reuse, so one a crash left torn is
    // downloaded again, and waiting for the disk cost ~0.1 s per 50 MiB on the critical path.
    file = createWriteStream(partial, { flags: 'wx', highWaterMark: BATCH_BYTES });
    await pipeline(body, batches(BATCH_BYTES), meter, file, {
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (bytes !== asset.size) {
      throw new GitHubError(`GitHub: download of ${asset.name} ended after ${bytes} of ${asset.size} bytes`, undefined, undefined, context);
    }
    if (bytes !== reported) options.onProgress?.(bytes, asset.size);
    await rename(partial, destPath);
    tee?.end();
    return { sha256: hash.digest('hex'), bytes };
  } catch (error) {
    // A body cut before the file's open finished would otherwise race the open: the partial
    // file appeared after rm and stayed in the cache. Destroyed streams still open, then close.
    if (file && !file.closed) await new Promise<void>((resolve) => file!.once('close', () => resolve()));
    await rm(partial, { force: true });
    const failure = error instanceof GitHubError ? error : isLocalWrite(error) ? diskFailure(error, asset, destPath, bytes) : new GitHubError(
      scrub(`GitHub: download of ${asset.name} failed after ${bytes} of ${asset.size} bytes: ${errorText(error)}`, client.token),
      undefined,
      undefined,
      context,
      { cause: error },
    );
    tee?.destroy(failure);
    throw failure;
  }
}

/** Where a download's bytes land until they are complete: `<dest>.partial-<pid>-<random>`. */
export function partialPath(destPath: string, pid: number, random: string): string {
  return `${destPath}.partial-${pid}-${random}`;
}

/** System calls on our own files: their failures are this machine's disk, not GitHub. */
const LOCAL_CALLS = new Set(['open', 'write', 'close', 'rename', 'fsync', 'mkdir']);

function isLocalWrite(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'syscall' in error && typeof error.syscall === 'string' && LOCAL_CALLS.has(error.syscall);
}

function diskFailure(error: NodeJS.ErrnoException, asset: Pick<ReleaseAsset, 'name' | 'size'>, destPath: string, bytes: number): LocalError {
  const folder = dirname(destPath);
  const why = error.code === 'ENOSPC' || error.code === 'EDQUOT' ? 'no space left' : `cannot write (${error.code ?? error.message})`;
  return new LocalError(
    folder,
    `download cache ${folder}: ${why} while saving ${asset.name} (${bytes} of ${asset.size} bytes received); ` +
      'free space there or point SMOKE_CACHE_DIR elsewhere',
    { asset: asset.name },
    { cause: error },
  );
}

/** Writes to the tee, waiting while it is full; a tee that is gone no longer holds the download up. */
function feed(tee: Writable, chunk: Buffer): Promise<void> {
  if (tee.destroyed || tee.writableEnded) return Promise.resolve();
  if (tee.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const go = (): void => {
      tee.off('drain', go);
      tee.off('close', go);
      resolve();
    };
    tee.on('drain', go);
    tee.on('close', go);
  });
}

/** Joins small chunks into pieces of at least `size` bytes (the last may be shorter). */
function batches(size: number): Transform {
  let parts: Buffer[] = [];
  let held = 0;
  const take = (): Buffer => {
    const out = parts.length === 1 ? parts[0]! : Buffer.concat(parts, held);
    parts = [];
    held = 0;
    return out;
  };
  return new Transform({
    writableHighWaterMark: size,
    readableHighWaterMark: size,
    transform(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      held += chunk.length;
      if (held >= size) done(null, take());
      else done();
    },
    flush(done) {
      if (held > 0) done(null, take());
      else done();
    },
  });
}

/**
 * The asset's bytes. The API answers with a 302 to a signed storage URL; Octokit makes that
 * request (auth, retries, rate limits) without following it, and the storage hop goes
 * through node:http without Authorization (`storage-get.ts`). A server that answers the API
 * request with the bytes themselves is read as it is.
 */
async function requestBody(client: GitHubClient, asset: Pick<ReleaseAsset, 'id' | 'name'>, signal: AbortSignal | undefined): Promise<Readable> {
  const action = `download ${asset.name} (asset ${asset.id}) from ${client.fullName}`;
  const permissionHint = 'the asset may have been deleted or re-uploaded, or the token lacks push access (contents: write)';
  let response: { status: number; headers: { location?: string }; data: unknown };
  try {
    response = await client.octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      owner: client.owner,
      repo: client.repo,
      asset_id: asset.id,
      headers: { accept: 'application/octet-stream' },
      // Without this Octokit buffers the whole body: a 700 MB archive would take 700 MB of RAM.
      request: { redirect: 'manual', parseSuccessResponseBody: false, ...(signal ? { signal } : {}) },
    });
  } catch (error) {
    throw toGitHubError(error, client.token, { action, permissionHint, context: { asset: asset.name } });
  }
  const { status, headers, data } = response;
  if (status >= 300 && status < 400 && headers.location) {
    if (data instanceof ReadableStream) await data.cancel().catch(() => undefined);
    try {
      return await getFromStorage(headers.location, {
        userAgent: client.userAgent,
        retries: client.retry.retries,
        backoffMs: backoffBaseMs(client.retry),
        idleMs: IDLE_MS,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      const said = errorText(error);
      const code = error instanceof StorageAnswer ? error.status : undefined;
      // The signed URL is in neither message: it is a short-lived credential.
      throw new GitHubError(scrub(`GitHub: could not ${action}: ${said}`, client.token), code, undefined, { asset: asset.name }, { cause: error });
    }
  }
  if (status !== 200 || !(data instanceof ReadableStream)) {
    throw new GitHubError(`GitHub: download of ${asset.name} returned no byte stream (HTTP ${status})`, undefined, undefined, { asset: asset.name });
  }
  return Readable.fromWeb(data);
}
