import type { FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { createGitHub, type GitHub } from '../../src/github/github.ts';

/** Short waits so retries and rate-limit pauses cost milliseconds, not seconds. */
export const FAST_RETRY = { retries: 2, minBackoffMs: 5, rateLimitSecondMs: 5, maxRateLimitWaitSeconds: 60 };

export function gitHubFor(fake: FakeGitHub, token: string): GitHub {
  return createGitHub({ apiUrl: fake.url, token, repo: 'ephpm/ephemerd', retry: FAST_RETRY });
}

/** The message a person would read. */
export async function thrownMessage(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected the call to throw');
}
