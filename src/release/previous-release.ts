import type { ReleaseRules } from '../config/types.ts';
import type { PlatformId } from '../domain/platform.ts';
import { expectedAssetName } from './asset-names.ts';
import { isReleaseTag } from './tag-pattern.ts';

/** The parts of a GitHub release this needs (a `Release` from the API fits). */
export interface ListedRelease {
  tag_name: string;
  draft: boolean;
  published_at: string | null;
  assets: ReadonlyArray<{ name: string; size: number; state?: string }>;
}

/** The release a draft's sizes are compared with, and the archive it published for a platform. */
export interface PreviousArchive {
  tag: string;
  /** null when that release has no archive for the platform. */
  asset: { name: string; size: number } | null;
}

/** The latest published (not draft) release of ours (tag matches tagPattern), other than the draft's own tag. */
export function latestPublishedRelease<T extends ListedRelease>(releases: readonly T[], rules: Pick<ReleaseRules, 'tagPattern'>, draftTag: string): T | undefined {
  let latest: T | undefined;
  for (const release of releases) {
    if (release.draft || release.published_at === null || release.tag_name === draftTag) continue;
    if (!isReleaseTag(release.tag_name, rules.tagPattern)) continue;
    if (!latest || Date.parse(release.published_at) > Date.parse(latest.published_at!)) latest = release;
  }
  return latest;
}

/** The platform's archive in that release, found by the asset pattern with that release's tag. */
export function previousArchive(release: ListedRelease, rules: Pick<ReleaseRules, 'assetPattern'>, platform: PlatformId): PreviousArchive {
  const name = expectedAssetName(rules.assetPattern, release.tag_name, platform);
  const asset = release.assets.find((a) => a.name === name && (a.state === undefined || a.state === 'uploaded'));
  return { tag: release.tag_name, asset: asset ? { name: asset.name, size: asset.size } : null };
}
