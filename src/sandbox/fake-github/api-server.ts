// The API origin's HTTP layer: authentication, faults, rate limits, ETags, recording.
// What each endpoint answers is decided by the routes; this file only does HTTP.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultQueue } from './faults.ts';
import type { RateLimits } from './rate-limit.ts';
import { RELEASE_BOT } from './representations.ts';
import type { FakeUser, Site } from './representations.ts';
import { errorBody, routes } from './routes/index.ts';
import type { Route, RouteResult } from './routes/index.ts';
import type { RepoState } from './state.ts';
import type { Access, RecordedRequest } from './types.ts';

/** One repository the fake serves: its data and where its URLs point. */
export interface FakeRepo {
  state: RepoState;
  site: Site;
}

export interface ApiContext {
  /** The API's origin (known once it listens). */
  origin: { api: string };
  /** The repositories served, by lowercased `owner/name`; any other is a 404, as for a token that cannot see it. */
  repos: Map<string, FakeRepo>;
  storageUrl: string;
  tokens: Record<string, Access>;
  faults: FaultQueue;
  rateLimits: RateLimits;
  record(request: RecordedRequest): void;
}

const READER: FakeUser = { login: 'ephpm-reader', id: 90_000_002 };
const GENERIC_DOCS = 'https://docs.github.com/rest';
const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

interface Caller {
  identity: string;
  access: Access | undefined;
  user: FakeUser | undefined;
}

export async function handleApiRequest(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  const url = new URL(path, ctx.origin.api);
  const base: Omit<RecordedRequest, 'status' | 'rateLimited'> = {
    method,
    path,
    hasAuthorization: req.headers.authorization !== undefined,
    origin: 'api',
  };
  let identity = 'anonymous';
  // Every response carries the caller's X-RateLimit-* headers; `extra` may override them.
  const respond = (status: number, json: unknown, extra: Record<string, string> = {}, rateLimited = false): void => {
    send(res, status, json, { ...ctx.rateLimits.headers(identity), ...extra });
    ctx.record({ ...base, status, rateLimited, ...(json === undefined ? {} : { responseBody: json }) });
  };

  const matched = matchRoute(ctx, method, url.pathname);
  if (matched) base.operationId = matched.route.operationId;
  const caller = identify(ctx, req.headers.authorization);
  if (!caller) {
    req.resume();
    respond(401, errorBody(401, 'Bad credentials', GENERIC_DOCS));
    return;
  }
  identity = caller.identity;
  const bodyText = await readBody(req);
  let body: unknown;
  if (bodyText.length > 0) {
    try {
      body = JSON.parse(bodyText);
      base.requestBody = body;
    } catch (error) {
      respond(400, errorBody(400, `Problems parsing JSON: ${(error as Error).message}`, GENERIC_DOCS));
      return;
    }
  }

  const fault = ctx.faults.takeApi(method, path);
  if (fault?.kind === 'status') {
    ctx.rateLimits.spend(caller.identity);
    respond(fault.status, errorBody(fault.status, serverErrorMessage(fault.status), GENERIC_DOCS));
    return;
  }
  if (fault?.kind === 'secondary-rate-limit') {
    const message = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
    const headers = { 'retry-after': String(fault.retryAfterSeconds) };
    respond(403, errorBody(403, message, `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`), headers, true);
    return;
  }
  if (fault?.kind === 'primary-rate-limit' || ctx.rateLimits.exhausted(caller.identity)) {
    const headers: Record<string, string> = { 'x-ratelimit-remaining': '0' };
    if (fault?.kind === 'primary-rate-limit') headers['x-ratelimit-reset'] = String(Math.floor(Date.now() / 1000) + fault.resetInSeconds);
    const who = caller.user ? `user ID ${caller.user.id}` : '127.0.0.1';
    respond(403, errorBody(403, `API rate limit exceeded for ${who}.`, `${RATE_LIMIT_DOCS}#about-the-primary-rate-limit`), headers, true);
    return;
  }

  if (!matched) {
    ctx.rateLimits.spend(caller.identity);
    respond(404, errorBody(404, 'Not Found', GENERIC_DOCS));
    return;
  }
  const result = matched.route.handle({
    state: matched.repo.state,
    site: matched.repo.site,
    storageUrl: ctx.storageUrl,
    access: caller.access,
    user: caller.user,
    url,
    params: matched.params,
    body,
    accept: req.headers.accept ?? '',
  });
  finish(ctx, req, result, caller, respond);
}

type Respond = (status: number, json: unknown, extra?: Record<string, string>) => void;

function finish(ctx: ApiContext, req: IncomingMessage, result: RouteResult, caller: Caller, respond: Respond): void {
  if ('location' in result) {
    ctx.rateLimits.spend(caller.identity);
    respond(302, undefined, { location: result.location });
    return;
  }
  const extra: Record<string, string> = result.link ? { link: result.link } : {};
  if (req.method === 'GET' && result.status === 200) {
    // Weak ETag over the representation (which already differs per access, e.g. drafts).
    const etag = `W/"${createHash('sha256').update(JSON.stringify(result.json)).digest('hex').slice(0, 40)}"`;
    extra.etag = etag;
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      // Like GitHub: a 304 does not count against the rate limit.
      respond(304, undefined, extra);
      return;
    }
  }
  ctx.rateLimits.spend(caller.identity);
  respond(result.status, result.json, extra);
}

function identify(ctx: ApiContext, authorization: string | undefined): Caller | undefined {
  if (authorization === undefined) return { identity: 'anonymous', access: undefined, user: undefined };
  const token = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization.trim())?.[1];
  const access = token === undefined ? undefined : ctx.tokens[token];
  if (token === undefined || access === undefined) return undefined;
  return { identity: `token:${token}`, access, user: access === 'push' ? RELEASE_BOT : READER };
}

function matchRoute(ctx: ApiContext, method: string, pathname: string): { route: Route; params: string[]; repo: FakeRepo } | undefined {
  const named = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(pathname);
  const repo = named ? ctx.repos.get(`${named[1]}/${named[2]}`.toLowerCase()) : undefined;
  if (!named || !repo) return undefined;
  const rest = named[3] ?? '';
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(rest);
    const params = m ? decodeAll(m.slice(1)) : undefined;
    if (params) return { route, params, repo };
  }
  return undefined;
}

/** undefined when a segment is not valid percent-encoding: the route then does not match (404). */
function decodeAll(segments: string[]): string[] | undefined {
  try {
    return segments.map((p) => decodeURIComponent(p));
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (t: string): string => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

function serverErrorMessage(status: number): string {
  return status === 500 ? 'Server Error' : status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : 'Gateway Timeout';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, json: unknown, extra: Record<string, string>): void {
  const headers: Record<string, string> = {
    'x-github-api-version-selected': '2022-11-28',
    'x-github-media-type': 'github.v3; format=json',
    'x-github-request-id': randomUUID().toUpperCase(),
    vary: 'Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding',
    ...extra,
  };
  if (json === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(json);
  res
    .writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) })
    .end(text);
}
