import { truncateEnd } from '../domain/text-safety.ts';
import type { GitHubClient } from './client.ts';
import { STATUSES_HINT, toGitHubError } from './to-github-error.ts';
import type { CommitStatus } from './types.ts';

/** GitHub rejects a commit status description over 140 characters. */
export const MAX_STATUS_DESCRIPTION = 140;

export interface CommitStatusInput {
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string;
  targetUrl?: string;
}

export async function createCommitStatus(client: GitHubClient, sha: string, status: CommitStatusInput): Promise<CommitStatus> {
  // GitHub rejects a longer description; cut without splitting a character.
  const description = truncateEnd(status.description, MAX_STATUS_DESCRIPTION);
  try {
    const { data } = await client.octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
      owner: client.owner,
      repo: client.repo,
      sha,
      state: status.state,
      context: status.context,
      description,
      ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
    });
    return data;
  } catch (error) {
    throw toGitHubError(error, client.token, {
      action: `post commit status "${status.context}" on ${sha.slice(0, 12)} in ${client.fullName}`,
      permissionHint: STATUSES_HINT,
    });
  }
}

/** The statuses of one context on a commit, newest first. */
export async function listCommitStatuses(client: GitHubClient, sha: string, context: string): Promise<CommitStatus[]> {
  try {
    const all = await client.octokit.paginate('GET /repos/{owner}/{repo}/commits/{ref}/statuses', {
      owner: client.owner,
      repo: client.repo,
      ref: sha,
      per_page: 100,
    });
    return all.filter((s) => s.context === context);
  } catch (error) {
    throw toGitHubError(error, client.token, {
      action: `list commit statuses on ${sha.slice(0, 12)} in ${client.fullName}`,
      permissionHint: STATUSES_HINT,
    });
  }
}
