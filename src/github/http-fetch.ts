import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { send } from './http-send.ts';

/**
 * The `fetch` Octokit calls, on node:http. Node's own fetch loads undici at its first call,
 * and that alone raised a run's peak RSS from a median of 134 to 148 MiB (6 runs each).
 * Octokit (@octokit/request's fetch-wrapper) uses only what is written here.
 */
export type HttpFetch = (url: string, init?: FetchInit) => Promise<FetchResponse>;

/** What Octokit passes to fetch. */
export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  /** Octokit sends JSON as a string; nothing we call uploads a stream. */
  body?: string | Uint8Array | null;
  redirect?: 'follow' | 'manual' | 'error';
  signal?: AbortSignal | null;
}

/** The part of a fetch Response that Octokit reads. */
export interface FetchResponse {
  readonly status: number;
  readonly statusText: string;
  /** Where the answer came from, after any redirects. */
  readonly url: string;
  readonly headers: ResponseHeaders;
  /** The body as a web stream, for `parseSuccessResponseBody: false`. */
  readonly body: ReadableStream<Uint8Array>;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface HttpFetchOptions {
  /** Silence for this long, before the headers or within a body, fails the request (undici's default: 300 s). */
  idleMs: number;
}

/** fetch's own limit. */
const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Credentials that must not follow a redirect to another origin, as fetch drops them. */
const ORIGIN_BOUND = ['authorization', 'cookie'];

export function createHttpFetch(options: HttpFetchOptions): HttpFetch {
  return async (input, init = {}) => {
    let url = new URL(input);
    let method = (init.method ?? 'GET').toUpperCase();
    let headers = lowerCaseNames(init.headers ?? {});
    let body = requestBody(init.body);
    for (let hop = 0; ; hop++) {
      const response = await send(url, {
        method,
        headers,
        idleMs: options.idleMs,
        peer: 'GitHub',
        ...(body ? { body } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(status) || location === undefined || init.redirect === 'manual') {
        return new NodeResponse(response, url.href, method);
      }
      response.resume();
      if (init.redirect === 'error') throw new TypeError(`${method} ${url.href} was redirected (${status})`);
      if (hop >= MAX_REDIRECTS) throw new TypeError(`${method} ${url.href}: more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, url);
      if (next.origin !== url.origin) headers = without(headers, ORIGIN_BOUND);
      // As fetch does: a 303, or a 301/302 after a POST, becomes a GET without a body.
      if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = without(headers, ['content-type']);
      }
      url = next;
    }
  };
}

function requestBody(body: FetchInit['body']): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  throw new TypeError('a request body must be a string or bytes');
}

function lowerCaseNames(headers: Record<string, string>): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function without(headers: OutgoingHttpHeaders, names: string[]): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));
}

/** Response headers, read as fetch's Headers are: by any case, repeated ones joined by ", ". */
export class ResponseHeaders implements Iterable<[string, string]> {
  private readonly values = new Map<string, string>();

  constructor(raw: IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.values.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.values.entries();
  }
}

class NodeResponse implements FetchResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: ResponseHeaders;
  private used = false;

  constructor(
    private readonly message: IncomingMessage,
    readonly url: string,
    method: string,
  ) {
    this.status = message.statusCode ?? 0;
    this.statusText = message.statusMessage ?? '';
    this.headers = new ResponseHeaders(message.headers);
    // Octokit never reads these empty bodies; unread, the response would hold its keep-alive socket.
    if (method === 'HEAD' || this.status === 204 || this.status === 205) message.resume();
  }

  get body(): ReadableStream<Uint8Array> {
    return Readable.toWeb(this.take()) as ReadableStream<Uint8Array>;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    const copy = new ArrayBuffer(bytes.byteLength);
    new Uint8Array(copy).set(bytes);
    return copy;
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  private async bytes(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.take()) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** A body is read once, as with fetch. */
  private take(): IncomingMessage {
    if (this.used) throw new TypeError('the response body was already read');
    this.used = true;
    return this.message;
  }
}
