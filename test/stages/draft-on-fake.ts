import { createHash } from 'node:crypto';
import { EPHEMERD_PLATFORMS } from '../../src/domain/platform.ts';
import { DEFAULT_ASSET_PATTERN, expectedAssetName } from '../../src/release/asset-names.ts';
import { DEFAULT_TAG_PATTERN } from '../../src/release/tag-pattern.ts';
import type { FakeGitHub } from '../../src/sandbox/fake-github/index.ts';

export const TAG = 'v1.2.3';
export const rules = { tagPattern: DEFAULT_TAG_PATTERN, assetPattern: DEFAULT_ASSET_PATTERN, checksumsAsset: 'checksums.txt' };
export const platforms = EPHEMERD_PLATFORMS;
export const names = platforms.map((p) => expectedAssetName(DEFAULT_ASSET_PATTERN, TAG, p));

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Archive bytes per name: distinct, small, and deterministic. */
export function contentOf(name: string): Buffer {
  return Buffer.from(`archive bytes of ${name}\n`.repeat(1000));
}

export interface DraftOptions {
  /** Archive names to leave out. */
  skip?: string[];
  /** checksums.txt as uploaded; default: the right sums for every archive. */
  checksums?: string;
  /** Per archive: GitHub's digest field ('auto' by default). */
  digests?: Record<string, string | null>;
  states?: Record<string, 'uploaded' | 'open'>;
  extra?: string[];
}

/** A draft of ephemerd as the release pipeline makes it, on the fake. */
export function addDraft(fake: FakeGitHub, options: DraftOptions = {}): { id: number; assetIds: Record<string, number> } {
  const release = fake.addRelease({ tag_name: TAG, draft: true, prerelease: false, target_commitish: 'main' });
  const assetIds: Record<string, number> = {};
  for (const name of names) {
    if (options.skip?.includes(name)) continue;
    assetIds[name] = release.addAsset({
      name,
      content: contentOf(name),
      digest: options.digests?.[name] === undefined ? 'auto' : options.digests[name],
      state: options.states?.[name] ?? 'uploaded',
    }).id;
  }
  const sums = options.checksums ?? names.map((n) => `${sha256(contentOf(n))}  ${n}\n`).join('');
  assetIds['checksums.txt'] = release.addAsset({ name: 'checksums.txt', content: sums }).id;
  for (const name of options.extra ?? []) assetIds[name] = release.addAsset({ name, content: 'extra' }).id;
  return { id: release.id, assetIds };
}
