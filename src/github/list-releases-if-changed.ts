import type { GitHubClient } from './client.ts';
import { RELEASES_HINT, toGitHubError } from './to-github-error.ts';
import type { Release } from './types.ts';

export type ReleasesIfChanged = { changed: false } | { changed: true; etag: string | null; releases: Release[] };

const PER_PAGE = 100;

/**
 * Every release, unless the first page still matches `etag`: a watch's idle poll is then one
 * request that GitHub answers 304 and does not count against the rate limit. A change anywhere
 * (a new draft, an upload, an edited body) changes the first page, since GitHub lists newest first
 * and a release's JSON carries its assets.
 */
export async function listReleasesIfChanged(client: GitHubClient, etag: string | null): Promise<ReleasesIfChanged> {
  const fail = (error: unknown) =>
    toGitHubError(error, client.token, { action: `list releases of ${client.fullName}`, permissionHint: RELEASES_HINT });
  let first;
  try {
    first = await listPage(client, 1, etag);
  } catch (error) {
    // Octokit throws on 304, which here is the answer we hope for.
    if (isStatus(error, 304)) return { changed: false };
    throw fail(error);
  }
  const releases = [...first.data];
  try {
    for (let page = 2, more = hasNext(first.headers.link); more; page += 1) {
      const next = await listPage(client, page, null);
      releases.push(...next.data);
      more = hasNext(next.headers.link);
    }
  } catch (error) {
    throw fail(error);
  }
  return { changed: true, etag: first.headers.etag ?? null, releases };
}

function listPage(client: GitHubClient, page: number, etag: string | null) {
  return client.octokit.request('GET /repos/{owner}/{repo}/releases', {
    owner: client.owner,
    repo: client.repo,
    per_page: PER_PAGE,
    page,
    ...(etag ? { headers: { 'if-none-match': etag } } : {}),
  });
}

function hasNext(link: string | undefined): boolean {
  return link !== undefined && /rel="next"/.test(link);
}

function isStatus(error: unknown, status: number): boolean {
  return typeof error === 'object' && error !== null && 'status' in error && error.status === status;
}
