import type { Octokit, OctokitOptions } from '@octokit/core';

/** One failed attempt that plugin-retry is about to try again. */
export interface RetryNotice {
  method: string;
  /** The request's path, without host or query: no token or signed URL ever reaches a message. */
  path: string;
  /** The HTTP status, or the network error's text (connection refused, timeout). */
  reason: string;
  attempt: number;
  retries: number;
  waitMs: number;
}

export interface RetryNoticeOptions {
  retries: number;
  backoffBaseMs: number;
  onRetry?: (notice: RetryNotice) => void;
}

/** What an attempt's error carries (a RequestError, or an AbortError Octokit gave status 500). */
interface AttemptError {
  status?: number;
  message?: string;
  /** Absent when no answer came (a network error, which Octokit reports as status 500). */
  response?: unknown;
  request?: { method?: string; url?: string; request?: { retryCount?: number } };
}

// The statuses plugin-retry never retries; every other status >= 400 (and a network error,
// which Octokit reports as 500) is retried with a wait of (attempt²) × base.
const NOT_RETRIED = [400, 401, 403, 404, 410, 422, 451];

/**
 * An Octokit plugin, applied before plugin-retry so that its error hook sees every attempt,
 * not only the last: an unreachable GitHub says so at each retry instead of in silence.
 */
export function retryNotices(octokit: Octokit, options: OctokitOptions & { retryNotices?: RetryNoticeOptions }): void {
  const settings = options.retryNotices;
  const onRetry = settings?.onRetry;
  if (!settings || !onRetry) return;
  // plugin-retry calls the request again with the same options object: count attempts by it.
  // (Its own `retryCount` lives on an object Octokit shares between requests, so it leaks.)
  const failures = new WeakMap<object, number>();
  octokit.hook.error('request', (thrown: Error, options: object) => {
    const error = thrown as AttemptError;
    const status = error.status ?? 0;
    const attempt = (failures.get(options) ?? 0) + 1;
    failures.set(options, attempt);
    // The wait plugin-retry is about to take, from the same count it reads.
    const shared = (error.request?.request?.retryCount ?? 0) + 1;
    if (status >= 400 && !NOT_RETRIED.includes(status) && attempt <= settings.retries) {
      onRetry({
        method: error.request?.method ?? 'GET',
        path: pathOf(error.request?.url),
        reason: error.response === undefined && error.message ? error.message : `HTTP ${status}`,
        attempt,
        retries: settings.retries,
        waitMs: shared * shared * settings.backoffBaseMs,
      });
    }
    throw thrown;
  });
}

function pathOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? '';
  }
}
