import type { ReleaseRules } from '../config/types.ts';
import type { PlatformId } from '../domain/platform.ts';
import type { Release, ReleaseAsset } from '../domain/github-types.ts';
import { expectedAssets } from './asset-names.ts';
import type { ChecksumsFile } from './parse-checksums.ts';

export interface PlatformAsset {
  platform: PlatformId;
  /** The archive name the draft must carry for this platform. */
  expectedName: string;
  /** The uploaded asset, or null while it is absent or still uploading. */
  asset: ReleaseAsset | null;
}

export interface DraftMatch {
  /** Every expected archive and the checksums file are present and uploaded. */
  complete: boolean;
  /** Expected names not (yet) usable: absent, or present with a state other than `uploaded`. */
  missing: string[];
  /** Of `missing`, those present but not uploaded, with their state: "name (state: open)". */
  notReady: string[];
  /** Assets the draft carries that no rule expects. */
  unexpected: string[];
  platforms: PlatformAsset[];
  checksumsAsset: ReleaseAsset | null;
  /** Only when checksums were given: how checksums.txt and the archives cover each other. */
  coverage?: ChecksumsCoverage;
}

export interface ChecksumsCoverage {
  /** Expected archives checksums.txt has no entry for. */
  unlisted: string[];
  /** Entries naming a file the draft does not carry as an uploaded archive: "checksums.txt:3: name". */
  orphans: { name: string; line: number; message: string }[];
}

export interface MatchOptions {
  platforms: readonly PlatformId[];
  rules: Pick<ReleaseRules, 'assetPattern' | 'checksumsAsset'>;
  checksums?: ChecksumsFile;
}

/** Sets a draft's assets against what the rules expect. Pure: plain data in and out. */
export function matchDraft(release: Pick<Release, 'tag_name' | 'assets'>, options: MatchOptions): DraftMatch {
  const byName = new Map(release.assets.map((a) => [a.name, a] as const));
  const expected = expectedAssets(options.rules, release.tag_name, options.platforms);
  const expectedNames = new Set([...expected.map((e) => e.name), options.rules.checksumsAsset]);

  const missing: string[] = [];
  const notReady: string[] = [];
  const ready = (name: string): ReleaseAsset | null => {
    const asset = byName.get(name);
    if (asset?.state === 'uploaded') return asset;
    missing.push(name);
    if (asset) notReady.push(`${name} (state: ${asset.state})`);
    return null;
  };

  const platforms = expected.map((e) => ({ platform: e.platform, expectedName: e.name, asset: ready(e.name) }));
  const checksumsAsset = ready(options.rules.checksumsAsset);
  const unexpected = release.assets.map((a) => a.name).filter((name) => !expectedNames.has(name));
  const match: DraftMatch = { complete: missing.length === 0, missing, notReady, unexpected, platforms, checksumsAsset };
  if (options.checksums) match.coverage = checksumsCoverage(platforms, options.checksums);
  return match;
}

export function checksumsCoverage(platforms: readonly PlatformAsset[], checksums: ChecksumsFile): ChecksumsCoverage {
  const listed = new Set(checksums.entries.map((e) => e.name));
  const present = new Set(platforms.flatMap((p) => (p.asset ? [p.asset.name] : [])));
  const reported = new Set<string>();
  const orphans: ChecksumsCoverage['orphans'] = [];
  for (const entry of checksums.entries) {
    if (present.has(entry.name) || reported.has(entry.name)) continue;
    reported.add(entry.name);
    const why = platforms.some((p) => p.expectedName === entry.name) ? 'is missing from the draft' : 'is not an expected archive';
    orphans.push({
      name: entry.name,
      line: entry.line,
      message: `${checksums.fileName}:${entry.line}: "${entry.name}" ${why}`,
    });
  }
  const unlisted = platforms.map((p) => p.expectedName).filter((name) => !listed.has(name));
  return { unlisted, orphans };
}
