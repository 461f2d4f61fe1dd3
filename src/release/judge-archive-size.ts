import { formatSize } from '../domain/format-size.ts';
import type { Judgement } from '../domain/judgement.ts';
import type { PreviousArchive } from './previous-release.ts';

export interface ArchiveSizeInput {
  /** The draft's archive (the asset's `size`: nothing is downloaded to compare). */
  asset: { name: string; size: number };
  /** null when no earlier release of ours is published. */
  previous: PreviousArchive | null;
  /** release.sizeChangeRatio: 0.25 allows ±25%. */
  maxChangeRatio: number;
}

/**
 * A stale cache once bloated a binary by ~100 MB; placeholders shrink one. Either shows as a
 * size far from the same platform's archive in the last published release.
 */
export function judgeArchiveSize({ asset, previous, maxChangeRatio }: ArchiveSizeInput): Judgement {
  const bytes = (n: number): string => `${formatSize(n)} (${n} bytes)`;
  const facts: Record<string, string> = { bytes: String(asset.size) };
  if (!previous) return { status: 'skipped', detail: ['no earlier published release to compare the size with'], facts };
  facts.previousTag = previous.tag;
  if (!previous.asset) return { status: 'skipped', detail: [`${previous.tag} has no archive for this platform: size not compared`], facts };
  if (previous.asset.size === 0) return { status: 'skipped', detail: [`${previous.tag}'s ${previous.asset.name} is empty: size not compared`], facts };
  facts.previousBytes = String(previous.asset.size);
  const change = asset.size / previous.asset.size - 1;
  facts.changeRatio = change.toFixed(4);
  const shown = `${change >= 0 ? '+' : '−'}${(Math.abs(change) * 100).toFixed(1)}%`;
  const limit = `±${+(maxChangeRatio * 100).toFixed(1)}%`;
  const compared = `${asset.name} is ${bytes(asset.size)}, ${previous.tag}'s ${previous.asset.name} was ${bytes(previous.asset.size)}: ${shown}`;
  if (Math.abs(change) > maxChangeRatio) return { status: 'fail', detail: [`${compared}, beyond ${limit} (release.sizeChangeRatio)`], facts };
  return { status: 'pass', detail: [`${compared}, within ${limit}`], facts };
}
