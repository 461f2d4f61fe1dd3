import { GitHubError } from '../domain/errors.ts';
import type { GitHubClient } from './client.ts';
import { toGitHubError } from './to-github-error.ts';
import type { Release } from './types.ts';

export interface ResolvedCommit {
  sha: string;
  /** Where the SHA came from: the existing git tag, the release's target branch, or its target SHA. */
  source: 'tag' | 'branch' | 'sha';
}

const SHA_RE = /^[0-9a-f]{40}$/i;
/** Tags of tags exist; a chain longer than this is a loop or an abuse. */
const MAX_TAG_DEPTH = 5;

/**
 * The commit a draft will be published from. The git tag usually does not exist while the
 * release is a draft; then `target_commitish` decides: a SHA (checked to exist) or a branch
 * (its head now, which is what publishing would tag).
 */
export async function resolveCommit(
  client: GitHubClient,
  release: Pick<Release, 'tag_name' | 'target_commitish'>,
): Promise<ResolvedCommit> {
  const context = { tag: release.tag_name };
  const tagged = await refTarget(client, `tags/${release.tag_name}`, context);
  if (tagged) return { sha: await peelTag(client, tagged, context), source: 'tag' };

  const target = release.target_commitish;
  if (SHA_RE.test(target)) return { sha: await verifyCommit(client, target, context), source: 'sha' };
  const branch = target ? await refTarget(client, `heads/${target}`, context) : null;
  if (branch) return { sha: branch.sha, source: 'branch' };
  throw new GitHubError(
    `GitHub: release ${release.tag_name} targets "${target}", which is neither a branch nor a commit SHA in ${client.fullName}, and tag ${release.tag_name} does not exist yet`,
    undefined,
    'edit the draft so its target is an existing branch or commit',
    context,
  );
}

interface GitObject {
  sha: string;
  type: string;
}

async function refTarget(client: GitHubClient, ref: string, context: { tag: string }): Promise<GitObject | null> {
  try {
    const { data } = await client.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
      owner: client.owner,
      repo: client.repo,
      ref,
    });
    return data.object;
  } catch (error) {
    // 404 is the answer "no such ref", not a failure.
    if (hasStatus(error, 404)) return null;
    throw toGitHubError(error, client.token, { action: `read git ref ${ref} of ${client.fullName}`, context });
  }
}

/** An annotated tag points at a tag object; follow it to the commit. */
async function peelTag(client: GitHubClient, target: GitObject, context: { tag: string }): Promise<string> {
  let current = target;
  for (let depth = 0; current.type === 'tag' && depth < MAX_TAG_DEPTH; depth++) {
    try {
      const { data } = await client.octokit.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', {
        owner: client.owner,
        repo: client.repo,
        tag_sha: current.sha,
      });
      current = data.object;
    } catch (error) {
      throw toGitHubError(error, client.token, { action: `read tag object ${current.sha} of ${client.fullName}`, context });
    }
  }
  if (current.type !== 'commit') {
    throw new GitHubError(`GitHub: tag ${context.tag} of ${client.fullName} points at a ${current.type}, not a commit`, undefined, undefined, context);
  }
  return current.sha;
}

async function verifyCommit(client: GitHubClient, sha: string, context: { tag: string }): Promise<string> {
  try {
    const { data } = await client.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', {
      owner: client.owner,
      repo: client.repo,
      ref: sha,
    });
    return data.sha;
  } catch (error) {
    if (hasStatus(error, 404) || hasStatus(error, 422)) {
      throw new GitHubError(
        `GitHub: release ${context.tag} targets commit ${sha}, which does not exist in ${client.fullName}`,
        404,
        'edit the draft so its target is an existing branch or commit',
        context,
      );
    }
    throw toGitHubError(error, client.token, { action: `read commit ${sha} of ${client.fullName}`, context });
  }
}

function hasStatus(error: unknown, status: number): boolean {
  return typeof error === 'object' && error !== null && 'status' in error && error.status === status;
}
