import type { GitHubClient } from './client.ts';
import { RELEASES_HINT, toGitHubError } from './to-github-error.ts';
import type { Release } from './types.ts';

/** One release by id (drafts too, with push access): re-read before editing its body. */
export async function getRelease(client: GitHubClient, releaseId: number): Promise<Release> {
  try {
    const { data } = await client.octokit.request('GET /repos/{owner}/{repo}/releases/{release_id}', {
      owner: client.owner,
      repo: client.repo,
      release_id: releaseId,
    });
    return data;
  } catch (error) {
    throw toGitHubError(error, client.token, { action: `read release ${releaseId} of ${client.fullName}`, permissionHint: RELEASES_HINT });
  }
}
