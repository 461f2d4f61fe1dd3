// What a route is, and GitHub's error body. Routes are pure over the state: they get the
// parsed request and give back a status and a JSON value; api-server.ts does the HTTP.
import type { FakeUser, Site } from '../representations.ts';
import type { RepoState } from '../state.ts';
import type { Access } from '../types.ts';

export interface RouteRequest {
  state: RepoState;
  site: Site;
  storageUrl: string;
  /** undefined: no Authorization header (anonymous). */
  access: Access | undefined;
  user: FakeUser | undefined;
  url: URL;
  /** Captured path segments, already URL-decoded. */
  params: string[];
  body: unknown;
  accept: string;
}

export type RouteResult =
  | { status: number; json: unknown; link?: string | undefined }
  | { status: 302; location: string };

export interface Route {
  method: 'GET' | 'PATCH' | 'POST';
  /** Matched against the path after /repos/{owner}/{repo}, still URL-encoded. */
  pattern: RegExp;
  operationId: string;
  docs: string;
  handle(request: RouteRequest): RouteResult;
}

export interface GitHubErrorBody {
  message: string;
  documentation_url: string;
  status: string;
  errors?: Array<{ resource: string; code: string; field: string; message?: string }>;
}

export function errorBody(status: number, message: string, docs: string): GitHubErrorBody {
  return { message, documentation_url: docs, status: String(status) };
}

export function failure(status: number, message: string, docs: string): RouteResult {
  return { status, json: errorBody(status, message, docs) };
}

export function notFound(docs: string): RouteResult {
  return failure(404, 'Not Found', docs);
}

/** GitHub's 422 with one field error. */
export function invalid(docs: string, resource: string, field: string, message: string): RouteResult {
  return {
    status: 422,
    json: { ...errorBody(422, 'Validation Failed', docs), errors: [{ resource, code: 'custom', field, message }] },
  };
}

/** Writes need push access: anonymous callers get 401, read tokens 403 (a read-only token's answer). */
export function denyUnlessPush(request: RouteRequest, docs: string): RouteResult | undefined {
  if (request.access === undefined) return failure(401, 'Requires authentication', docs);
  if (request.access !== 'push') return failure(403, 'Resource not accessible by personal access token', docs);
  return undefined;
}
