import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** As fetch's headers and body timeouts: a server silent this long has dropped us. */
export const IDLE_MS = 300_000;

export interface SendOptions {
  method?: string;
  headers: OutgoingHttpHeaders;
  body?: Uint8Array;
  signal?: AbortSignal;
  /** Silence for this long, before the headers or within the body, ends the exchange. */
  idleMs: number;
  /** Who answers, for messages: "storage sent nothing for 300 s". */
  peer: string;
}

/**
 * One HTTP(S) exchange over node:http, for both of GitHub's hops: it settles with the response
 * as soon as its headers are in; a stalled body is destroyed with the idle error.
 */
export function send(url: URL, options: SendOptions): Promise<IncomingMessage> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return Promise.reject(new TypeError(`${options.peer} URL is not http(s): ${url.protocol}`));
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers = options.body ? { ...options.headers, 'content-length': options.body.byteLength } : options.headers;
    const req = request(url, {
      method: options.method ?? 'GET',
      headers,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let response: IncomingMessage | undefined;
    // One idle timer for the headers and the body: a body that stalls is cut with this message.
    req.setTimeout(options.idleMs, () => {
      // A body that has all arrived waits on its reader, not on the server.
      if (response?.complete) return;
      const stalled = new Error(`${options.peer} sent nothing for ${options.idleMs / 1000} s`);
      if (response) response.destroy(stalled);
      else req.destroy(stalled);
    });
    req.once('response', (res) => {
      response = res;
      resolve(res);
    });
    req.once('error', reject);
    req.end(options.body);
  });
}
