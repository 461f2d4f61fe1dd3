import { extractSection, parseSectionData } from '../github/body-section.ts';
import type { GitHub } from '../github/github.ts';
import { NO_ROOM_PREFIX } from '../github/status-description.ts';
import type { Release } from '../github/types.ts';

/**
 * Why a draft with no result in its body should not be tested again: its last run finished, but
 * the release notes left no room for the result, and nothing on the draft (notes, assets) has
 * changed since that run's status. Null when it should be tested. Costs two requests, and only
 * for a draft whose body holds no result of ours.
 */
export async function noRoomSinceLastRun(
  github: Pick<GitHub, 'resolveCommit' | 'listCommitStatuses'>,
  release: Release,
  statusContext: string,
): Promise<string | null> {
  if (parseSectionData(extractSection(release.body ?? null) ?? '') !== null) return null;
  const commit = await github.resolveCommit(release);
  const [latest] = await github.listCommitStatuses(commit.sha, statusContext);
  if (!latest?.description?.startsWith(NO_ROOM_PREFIX)) return null;
  const changes = [release.updated_at ?? release.created_at, ...release.assets.map((a) => a.updated_at)].map((t) => Date.parse(t));
  if (changes.some((t) => t > Date.parse(latest.created_at))) return null;
  return `its last result found no room in the release body and nothing changed since (${latest.description}); shorten the notes to test it again`;
}
