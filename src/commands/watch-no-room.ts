import { bodyChars, extractSection, parseSectionData } from '../posting/body-section.ts';
import type { GitHub } from '../github/github.ts';
import { parseNoRoom } from '../posting/status-description.ts';
import type { Release } from '../github/types.ts';

/**
 * Why a draft with no result in its body should not be tested again: its last run finished, but
 * the release notes left no room for the result, and since then the notes have not got shorter
 * and no asset changed. Null when it should be tested. Costs two requests, and only for a draft
 * whose body holds no result of ours.
 */
export async function noRoomSinceLastRun(
  github: Pick<GitHub, 'resolveCommit' | 'listCommitStatuses'>,
  release: Release,
  statusContext: string,
): Promise<string | null> {
  if (parseSectionData(extractSection(release.body ?? null) ?? '') !== null) return null;
  const commit = await github.resolveCommit(release);
  const [latest] = await github.listCommitStatuses(commit.sha, statusContext);
  const noRoom = parseNoRoom(latest?.description);
  if (!latest || !noRoom) return null;
  if (bodyChars(release.body ?? '') < noRoom.notesChars) return null;
  // Timestamps are whole seconds: an upload in the status's second counts as after it.
  if (release.assets.some((a) => Date.parse(a.updated_at) >= Date.parse(latest.created_at))) return null;
  return `its last result found no room in the release body, and neither the notes nor the assets changed since (${latest.description}); shorten the notes to test it again`;
}
