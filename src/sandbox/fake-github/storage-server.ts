// The storage origin the asset endpoint redirects to. It streams the asset from disk (never
// whole in memory), refuses a request that carries Authorization as real object storage
// does, and applies the storage faults (truncate, slow, storage-status, hold).
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { FaultQueue } from './faults.ts';
import type { RepoState, StoredAsset } from './state.ts';
import type { RecordedRequest } from './types.ts';

/**
 * Reads of the asset file. The bench's hosts, this server and the service share two cores,
 * where real storage is another machine: 1 MiB reads cost this server about 130 ms less CPU
 * per 200 MiB served than 256 KiB ones.
 */
const READ_BYTES = 1 << 20;

export interface StorageContext {
  /** Every repository's data: storage keys are unique across them. */
  states: () => Iterable<RepoState>;
  faults: FaultQueue;
  record(request: RecordedRequest): void;
}

export function handleStorageRequest(ctx: StorageContext, req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  const hasAuthorization = req.headers.authorization !== undefined;
  const reply = (status: number, code: string, message: string): void => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(xml)) }).end(xml);
    ctx.record({ method: req.method ?? 'GET', path, hasAuthorization, origin: 'storage', status, rateLimited: false });
  };
  if (hasAuthorization) {
    reply(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified');
    return;
  }
  const key = /^\/github-production-release-asset\/\d+\/([0-9a-f]+)$/.exec(new URL(path, 'http://storage').pathname)?.[1];
  const asset = [...ctx.states()].flatMap((state) => [...state.assets.values()]).find((a) => a.storageKey === key);
  if (!asset) {
    reply(404, 'NoSuchKey', 'The specified key does not exist.');
    return;
  }
  const fault = ctx.faults.takeStorage(asset.name);
  if (fault?.kind === 'hold') {
    // Then served as usual (a later fault may apply): the hold only decides when.
    const serve = (): void => handleStorageRequest(ctx, req, res);
    void fault.until.then(serve, serve);
    return;
  }
  if (fault?.kind === 'storage-status') {
    reply(fault.status, fault.status === 403 ? 'AccessDenied' : 'InternalError', fault.status === 403 ? 'Request has expired' : 'We encountered an internal error. Please try again.');
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(asset.size),
    'content-disposition': `attachment; filename=${asset.name}`,
    'last-modified': new Date(asset.updated_at).toUTCString(),
  });
  ctx.record({ method: req.method ?? 'GET', path, hasAuthorization, origin: 'storage', status: 200, rateLimited: false });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const source = open(asset);
  const body = fault?.kind === 'slow' ? source.pipe(throttle(fault.bytesPerSecond)) : source;
  res.on('close', () => {
    source.destroy();
    body.destroy();
  });
  body.on('error', () => res.destroy());
  if (fault?.kind === 'truncate') sendTruncated(body, res, fault.afterBytes);
  else body.pipe(res);
}

function open(asset: StoredAsset): Readable {
  return 'file' in asset.source ? createReadStream(asset.source.file, { highWaterMark: READ_BYTES }) : Readable.from([asset.source.bytes]);
}

/** Writes the first `limit` bytes, then destroys the connection once they reached the socket. */
function sendTruncated(body: Readable, res: ServerResponse, limit: number): void {
  let sent = 0;
  const cut = (): void => {
    body.destroy();
    res.destroy();
  };
  if (limit <= 0) return cut();
  body.on('data', (chunk: Buffer) => {
    const piece = chunk.subarray(0, limit - sent);
    sent += piece.length;
    if (sent < limit) {
      if (!res.write(piece)) {
        body.pause();
        res.once('drain', () => body.resume());
      }
      return;
    }
    body.pause();
    res.write(piece, cut);
  });
  // A limit past the end: the whole body goes out.
  body.on('end', () => res.end());
}

/** Re-chunks the body so it arrives at about `bytesPerSecond`. */
function throttle(bytesPerSecond: number): Transform {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 10));
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const pieces: Buffer[] = [];
      for (let at = 0; at < chunk.length; at += slice) pieces.push(chunk.subarray(at, at + slice));
      const next = (): void => {
        const piece = pieces.shift();
        if (!piece) return callback();
        this.push(piece);
        setTimeout(next, (piece.length / bytesPerSecond) * 1000);
      };
      next();
    },
  });
}
