import type { GitHubClient } from './client.ts';
import { RELEASES_HINT, toGitHubError } from './to-github-error.ts';
import type { Release } from './types.ts';

/** One page of the listing as last seen: its ETag, its releases, and whether GitHub said a next page follows. */
export interface ListedPage {
  etag: string | null;
  releases: Release[];
  hasNext: boolean;
}

export type ReleasesIfChanged = { changed: false } | { changed: true; pages: ListedPage[]; releases: Release[] };

const PER_PAGE = 100;

/**
 * Every release, unless every page still matches its ETag from `previous`: a watch's idle poll
 * is then one request per page, each answered 304, which GitHub does not count against the rate
 * limit. Every page is conditioned, not only the first: a draft 150 releases down changes only
 * its own page when an upload completes. A page that answers 304 is taken from `previous`.
 */
export async function listReleasesIfChanged(client: GitHubClient, previous: readonly ListedPage[] | null): Promise<ReleasesIfChanged> {
  const pages: ListedPage[] = [];
  let changed = previous === null;
  try {
    for (let page = 1, more = true; more; page += 1) {
      const seen = previous?.[page - 1];
      const fresh = await listPage(client, page, seen?.etag ?? null);
      if (fresh === 'unchanged' && seen) pages.push(seen);
      else if (fresh === 'unchanged') throw new Error(`GitHub answered 304 to page ${page}, which was never listed`);
      else {
        pages.push(fresh);
        changed = true;
      }
      more = pages[pages.length - 1]!.hasNext;
    }
  } catch (error) {
    throw toGitHubError(error, client.token, { action: `list releases of ${client.fullName}`, permissionHint: RELEASES_HINT });
  }
  // Fewer pages than before: releases were deleted from the end.
  if (previous && previous.length !== pages.length) changed = true;
  return changed ? { changed: true, pages, releases: pages.flatMap((p) => p.releases) } : { changed: false };
}

async function listPage(client: GitHubClient, page: number, etag: string | null): Promise<ListedPage | 'unchanged'> {
  try {
    const res = await client.octokit.request('GET /repos/{owner}/{repo}/releases', {
      owner: client.owner,
      repo: client.repo,
      per_page: PER_PAGE,
      page,
      ...(etag ? { headers: { 'if-none-match': etag } } : {}),
    });
    return { etag: res.headers.etag ?? null, releases: res.data, hasNext: hasNext(res.headers.link) };
  } catch (error) {
    // Octokit throws on 304, which here is the answer we hope for.
    if (isStatus(error, 304)) return 'unchanged';
    throw error;
  }
}

function hasNext(link: string | undefined): boolean {
  return link !== undefined && /rel="next"/.test(link);
}

function isStatus(error: unknown, status: number): boolean {
  return typeof error === 'object' && error !== null && 'status' in error && error.status === status;
}
