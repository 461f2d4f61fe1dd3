import type { GitHubClient } from './client.ts';
import { RELEASES_HINT, toGitHubError } from './to-github-error.ts';
import type { Release } from './types.ts';

/**
 * Replaces a release's body. Sends `body` and nothing else: a PATCH carrying `draft`,
 * `tag_name` or `name` could publish or rename the release, which this service never does.
 */
export async function updateReleaseBody(client: GitHubClient, releaseId: number, body: string): Promise<Release> {
  try {
    const { data } = await client.octokit.request('PATCH /repos/{owner}/{repo}/releases/{release_id}', {
      owner: client.owner,
      repo: client.repo,
      release_id: releaseId,
      body,
    });
    return data;
  } catch (error) {
    throw toGitHubError(error, client.token, {
      action: `update the body of release ${releaseId} of ${client.fullName}`,
      permissionHint: RELEASES_HINT,
    });
  }
}
