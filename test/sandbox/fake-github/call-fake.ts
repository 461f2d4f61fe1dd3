// Small fetch wrappers for talking to the fake GitHub over real HTTP in tests.
import type { FakeGitHub } from '../../../src/sandbox/fake-github/index.ts';

export interface CallOptions {
  token?: string;
  method?: string;
  body?: unknown;
  accept?: string;
  headers?: Record<string, string>;
  redirect?: 'follow' | 'manual' | 'error';
}

/** Calls `/repos/{owner}/{repo}{path}` (or an absolute URL) on the fake. */
export function call(fake: FakeGitHub, path: string, options: CallOptions = {}): Promise<Response> {
  const url = path.startsWith('http') ? path : `${fake.url}/repos/ephpm/ephemerd${path}`;
  const headers: Record<string, string> = { accept: options.accept ?? 'application/vnd.github+json', ...options.headers };
  if (options.token) headers.authorization = `token ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(url, {
    method: options.method ?? 'GET',
    headers,
    redirect: options.redirect ?? 'manual',
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}

export async function callJson<T = unknown>(fake: FakeGitHub, path: string, options: CallOptions = {}): Promise<{ status: number; json: T; headers: Headers }> {
  const res = await call(fake, path, options);
  return { status: res.status, json: (await res.json()) as T, headers: res.headers };
}

export const PUSH = 'push-token';
export const READ = 'read-token';
export const SHA_A = 'a'.repeat(40);
export const SHA_B = '0123456789abcdef0123456789abcdef01234567';
