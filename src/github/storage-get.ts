import type { IncomingMessage } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { send } from './http-send.ts';

export interface StorageGetOptions {
  userAgent: string;
  signal?: AbortSignal;
  /** How often a 5xx, a 429 or a connection that never answered is tried again. */
  retries: number;
  /** Backoff base: waits base, 4×base, 9×base… as the API's retries do. */
  backoffMs: number;
  /** A body that sends nothing for this long is cut (an error, like any cut body). */
  idleMs: number;
}

/** Storage answered, but not with the bytes: its status and its own words. */
export class StorageAnswer extends Error {
  constructor(
    readonly status: number,
    said: string,
  ) {
    super(`storage answered ${status}${said ? ` (${said})` : ''}`);
    this.name = 'StorageAnswer';
  }
}

const MAX_REDIRECTS = 5;

/**
 * GETs a release asset's signed storage URL (the API's 302 target) with node:http, which costs
 * about half the CPU of fetch's web streams per byte. It never sends Authorization: the URL
 * carries its own signature, and storage refuses a request with both.
 */
export async function getFromStorage(url: string, options: StorageGetOptions): Promise<IncomingMessage> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await follow(url, options);
    } catch (error) {
      // A URL that is no http(s) URL (TypeError) will not become one by asking again.
      const retryable = error instanceof StorageAnswer ? error.status === 429 || error.status >= 500 : !(error instanceof TypeError) && !options.signal?.aborted;
      if (!retryable || attempt >= options.retries) throw error;
      await delay(options.backoffMs * (attempt + 1) ** 2, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}

async function follow(url: string, options: StorageGetOptions): Promise<IncomingMessage> {
  let target = new URL(url);
  for (let hop = 0; ; hop++) {
    const response = await get(target, options);
    const status = response.statusCode ?? 0;
    if (status === 200) return response;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location && hop < MAX_REDIRECTS) {
      response.resume();
      target = new URL(location, target);
      continue;
    }
    throw new StorageAnswer(status, await said(response));
  }
}

function get(url: URL, options: StorageGetOptions): Promise<IncomingMessage> {
  return send(url, {
    headers: { accept: 'application/octet-stream', 'user-agent': options.userAgent },
    idleMs: options.idleMs,
    peer: 'storage',
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Storage's own message (S3 and Azure put it in <Message>), short, for the error line. */
async function said(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (text.length < 4096) text += chunk.toString('utf8');
  }
  const message = /<Message>([^<]{1,200})<\/Message>/.exec(text)?.[1];
  return (message ?? response.statusMessage ?? '').trim();
}
