import { GitHubError } from '../domain/errors.ts';
import type { GitHubClient } from './client.ts';
import { listReleases } from './list-releases.ts';
import type { Release } from './types.ts';

/**
 * The draft release for a tag, or null. "Get release by tag" answers 404 for drafts, so this
 * lists and filters. GitHub allows several drafts with one tag: which one to test would be a
 * guess, so that stops the run.
 */
export async function findDraftByTag(client: GitHubClient, tag: string): Promise<Release | null> {
  const drafts = (await listReleases(client)).filter((r) => r.draft && r.tag_name === tag);
  if (drafts.length > 1) {
    const ids = drafts.map((d) => d.id).join(', ');
    throw new GitHubError(
      `GitHub: ${client.fullName} has ${drafts.length} draft releases for tag ${tag} (ids ${ids})`,
      undefined,
      'delete the extra drafts so one remains',
      { tag },
    );
  }
  return drafts[0] ?? null;
}
