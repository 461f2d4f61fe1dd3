import { GitHubError, type ErrorContext } from '../domain/errors.ts';
import { scrubToken } from './scrub-token.ts';

export const TOKEN_HINT = 'the GitHub token is missing or invalid: set GH_TOKEN or GITHUB_TOKEN';
export const RELEASES_HINT = 'listing drafts and editing them needs a token with push access (contents: write)';
export const NETWORK_HINT = 'GitHub did not answer: check GITHUB_API_URL and the network';
export const STATUSES_HINT = 'posting commit statuses needs a token with statuses: write';

export interface FailedAction {
  /** What we were doing, as a phrase: "list releases of ephpm/ephemerd". */
  action: string;
  /** What a 403 or 404 means for this call (GitHub hides what a token may not see behind a 404). */
  permissionHint?: string;
  context?: ErrorContext;
}

interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/**
 * Turns whatever Octokit threw into one line a person can act on. Only the status, GitHub's
 * own message and our hint are used: Octokit's error carries request headers, never stringified.
 */
export function toGitHubError(error: unknown, token: string, failed: FailedAction): GitHubError {
  if (error instanceof GitHubError) return error;
  const http = asHttpError(error);
  // Octokit reports a connection that never got an answer as status 500 without a response.
  const status = http?.response ? http.status : undefined;
  const said = githubMessage(error, http);
  const message = scrub(`GitHub: could not ${failed.action}: ${status ? `${status} ` : ''}${said}`, token);
  const hint = status === undefined ? NETWORK_HINT : hintFor(http, failed);
  return new GitHubError(message, status, hint, failed.context ?? {});
}

function hintFor(http: HttpErrorLike | undefined, failed: FailedAction): string | undefined {
  if (!http) return undefined;
  if (http.status === 401) return TOKEN_HINT;
  const headers = http.response?.headers ?? {};
  if ((http.status === 403 || http.status === 429) && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(http.message))) {
    const reset = Number(headers['x-ratelimit-reset']);
    const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
    return `GitHub's rate limit stopped the request${when}: try again later`;
  }
  if (http.status === 403 || http.status === 404) return failed.permissionHint;
  return undefined;
}

function githubMessage(error: unknown, http: HttpErrorLike | undefined): string {
  const data = http?.response?.data;
  if (typeof data === 'object' && data !== null && 'message' in data && typeof data.message === 'string') {
    return data.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

function asHttpError(error: unknown): HttpErrorLike | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if (!('status' in error) || typeof error.status !== 'number' || !('message' in error)) return undefined;
  return error as HttpErrorLike;
}

/** Belt and braces: a token must never reach a message, in any form a server may echo it. */
export function scrub(text: string, token: string): string {
  return scrubToken(text, token);
}
