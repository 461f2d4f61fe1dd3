import type { FakeGitHub } from '../../src/sandbox/fake-github/index.ts';

/**
 * Every write the service sent to GitHub, and whether any of them could publish or change a
 * release: only `body` may ever be sent to a release, and only statuses may be created.
 */
export function forbiddenWrites(fake: FakeGitHub): string[] {
  const bad: string[] = [];
  for (const r of fake.requests) {
    if (r.method === 'GET' || r.method === 'HEAD') continue;
    const path = r.path.split('?')[0] ?? '';
    if (r.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/statuses\/[0-9a-f]{40}$/.test(path)) continue;
    if (r.method === 'PATCH' && /^\/repos\/[^/]+\/[^/]+\/releases\/\d+$/.test(path)) {
      const keys = Object.keys((r.requestBody ?? {}) as Record<string, unknown>);
      if (keys.length === 1 && keys[0] === 'body') continue;
      bad.push(`${r.method} ${path} with ${keys.join(', ')}`);
      continue;
    }
    bad.push(`${r.method} ${path}`);
  }
  return bad;
}
