import type { ReleaseRules } from '../config/types.ts';
import type { PlatformId } from '../domain/platform.ts';
import type { GitHub } from '../github/github.ts';
import type { ResolvedCommit } from '../github/resolve-commit.ts';
import type { Release } from '../github/types.ts';
import { matchDraft, type DraftMatch } from '../release/match-draft.ts';
import { isReleaseTag } from '../release/tag-pattern.ts';

export interface FindDraftInput {
  tag: string;
  platforms: readonly PlatformId[];
  rules: Pick<ReleaseRules, 'tagPattern' | 'assetPattern' | 'checksumsAsset'>;
}

export type FindDraftResult =
  | { kind: 'not-release-tag'; tag: string; pattern: string }
  | { kind: 'not-found'; tag: string }
  /** The draft exists but some assets are absent or still uploading: try again later. */
  | { kind: 'waiting'; release: Release; missing: string[]; match: DraftMatch }
  | { kind: 'ready'; release: Release; match: DraftMatch; commit: ResolvedCommit };

/**
 * Stage 1: the draft for a tag, whether all its assets are there, and the commit it will be
 * published from. A tag that is not ours and a draft still uploading are outcomes, not errors.
 */
export async function findDraft(
  github: Pick<GitHub, 'findDraftByTag' | 'resolveCommit'>,
  input: FindDraftInput,
): Promise<FindDraftResult> {
  if (!isReleaseTag(input.tag, input.rules.tagPattern)) {
    return { kind: 'not-release-tag', tag: input.tag, pattern: input.rules.tagPattern };
  }
  const release = await github.findDraftByTag(input.tag);
  if (!release) return { kind: 'not-found', tag: input.tag };
  const match = matchDraft(release, { platforms: input.platforms, rules: input.rules });
  if (!match.complete) return { kind: 'waiting', release, missing: match.missing, match };
  const commit = await github.resolveCommit(release);
  return { kind: 'ready', release, match, commit };
}
