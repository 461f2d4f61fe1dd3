import type { GitHubClient } from './client.ts';
import { RELEASES_HINT, toGitHubError } from './to-github-error.ts';
import type { Release } from './types.ts';

/** Every release, newest first, 100 a page. Drafts are included only for a token with push access. */
export async function listReleases(client: GitHubClient): Promise<Release[]> {
  try {
    return await client.octokit.paginate('GET /repos/{owner}/{repo}/releases', {
      owner: client.owner,
      repo: client.repo,
      per_page: 100,
    });
  } catch (error) {
    throw toGitHubError(error, client.token, { action: `list releases of ${client.fullName}`, permissionHint: RELEASES_HINT });
  }
}
