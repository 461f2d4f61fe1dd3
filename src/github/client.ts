import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { createHttpFetch } from './http-fetch.ts';
import { IDLE_MS } from './http-send.ts';
import { retryNotices, type RetryNotice } from './retry-notices.ts';

// retryNotices comes first: its error hook then sits inside plugin-retry's and sees each attempt.
const SmokeOctokit = Octokit.plugin(retryNotices, retry, throttling);
export type SmokeOctokit = InstanceType<typeof SmokeOctokit>;

/** What every adapter function needs: the configured client and the repository it works on. */
export interface GitHubClient {
  octokit: SmokeOctokit;
  owner: string;
  repo: string;
  /** `owner/name`, for messages. */
  fullName: string;
  /** Only to scrub it from messages, should a server ever echo it back. */
  token: string;
  /** For the storage hop of a download, which goes around Octokit. */
  userAgent: string;
  retry: RetrySettings;
}

export interface RetrySettings {
  /** How often a 5xx or network failure is retried. */
  retries: number;
  /** Backoff base for 5xx: waits base, 4×base, 9×base… (default 1000). */
  minBackoffMs?: number;
  /** A Retry-After or rate-limit reset further away than this is not waited for (default 60). */
  maxRateLimitWaitSeconds?: number;
  /** How long one Retry-After second lasts: 1000 in life; tests shrink it to run fast. */
  rateLimitSecondMs?: number;
  /** Told of each failed attempt that is about to be retried (a 5xx, a network error). */
  onRetry?: (notice: RetryNotice) => void;
}

export interface ClientOptions {
  apiUrl: string;
  token: string;
  userAgent?: string;
  retry: RetrySettings;
}

export function makeOctokit(options: ClientOptions): SmokeOctokit {
  const maxWait = options.retry.maxRateLimitWaitSeconds ?? 60;
  return new SmokeOctokit({
    auth: options.token,
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    userAgent: userAgentOf(options),
    // No console: errors reach the caller as GitHubError, and retries are invisible by design.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    request: { fetch: createHttpFetch({ idleMs: IDLE_MS }) },
    retry: { retries: options.retry.retries, retryAfterBaseValue: backoffBaseMs(options.retry) },
    retryNotices: { retries: options.retry.retries, backoffBaseMs: backoffBaseMs(options.retry), onRetry: options.retry.onRetry },
    throttle: {
      retryAfterBaseValue: options.retry.rateLimitSecondMs ?? 1000,
      // Secondary limits say how long to wait: honour it a few times, never longer than the cap.
      onSecondaryRateLimit: (retryAfter, _request, _octokit, retryCount) => retryCount < 3 && retryAfter <= maxWait,
      // The hourly budget is spent: worth one wait only when it resets soon.
      onRateLimit: (retryAfter, _request, _octokit, retryCount) => retryCount < 1 && retryAfter <= maxWait,
    },
  });
}

/** The 5xx backoff base, for Octokit's retries and the download's storage hop alike. */
export function backoffBaseMs(retry: RetrySettings): number {
  return retry.minBackoffMs ?? 1000;
}

export function userAgentOf(options: ClientOptions): string {
  return options.userAgent ?? 'release-smoke';
}
