import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parsePlatform, type PlatformId } from '../../domain/platform.ts';
import { DEFAULT_ASSET_PATTERN, DEFAULT_CHECKSUMS_ASSET, expectedAssetName } from '../../release/asset-names.ts';
import type { StandInBehaviour } from './behaviour.ts';
import { standInContent } from './binary.ts';
import type { Padding } from './padding.ts';
import type { StandInBuild } from './build-info-blob.ts';
import { writeSingleFileTarGz } from './write-tar-gz.ts';
import { writeSingleFileZip } from './write-zip.ts';

export interface FixturePlatform {
  platform: PlatformId;
  behaviour: StandInBehaviour;
  sizeBytes?: number;
  /** Overrides the release's padding for this binary. */
  padding?: Padding;
  /** What its Go build info says (default: stamped with the tag, built from `commit`). */
  build?: StandInBuild;
}

export interface FixtureReleaseOptions {
  dir: string;
  tag: string;
  /** The commit the stand-ins' build info names (vcs.revision); none (a build without git) when left out. */
  commit?: string;
  platforms: FixturePlatform[];
  /** The binary's name inside each archive (`.exe` is added on windows). Default `ephemerd`. */
  binaryName?: string;
  /** Default the pipeline's `ephemerd_{tag}_{os}_{arch}.{ext}`. */
  assetPattern?: string;
  /** Default `zeros` (small archives); `random` for archives as large as their binaries. */
  padding?: Padding;
  /** Entry time in the archives; fixed by default so the same fixture has the same checksums. */
  mtime?: Date;
}

export interface FixtureAsset {
  name: string;
  path: string;
  platform: PlatformId;
  sha256: string;
  size: number;
}

export interface FixtureRelease {
  assets: FixtureAsset[];
  checksumsPath: string;
}

const FIXED_MTIME = new Date('2025-01-01T00:00:00Z');

/**
 * Writes a draft's assets into `dir`: one archive per platform, each holding a stand-in binary
 * at its root (tar.gz, or a Compress-Archive-style zip on windows), and `checksums.txt` in GNU
 * sha256sum format. Everything streams: 700 MiB archives never sit in memory.
 */
export async function buildFixtureRelease(options: FixtureReleaseOptions): Promise<FixtureRelease> {
  await mkdir(options.dir, { recursive: true });
  const assets: FixtureAsset[] = [];
  for (const spec of options.platforms) {
    const windows = parsePlatform(spec.platform)?.os === 'windows';
    const name = expectedAssetName(options.assetPattern ?? DEFAULT_ASSET_PATTERN, options.tag, spec.platform);
    const path = join(options.dir, name);
    const entryName = `${options.binaryName ?? 'ephemerd'}${windows ? '.exe' : ''}`;
    const build = spec.build ?? { stamp: options.tag, ...(options.commit ? { commit: options.commit } : {}) };
    const content = standInContent({ ...spec, build, padding: spec.padding ?? options.padding ?? 'zeros' });
    const write = windows ? writeSingleFileZip : writeSingleFileTarGz;
    await write(path, entryName, content, options.mtime ?? FIXED_MTIME);
    const { sha256, size } = await hashFile(path);
    assets.push({ name, path, platform: spec.platform, sha256, size });
  }
  const checksumsPath = join(options.dir, DEFAULT_CHECKSUMS_ASSET);
  await writeFile(checksumsPath, checksumsText(assets));
  return { assets, checksumsPath };
}

/** GNU `sha256sum` output: `<hex><two spaces><name>`, sorted by name as the pipeline writes it. */
export function checksumsText(assets: ReadonlyArray<Pick<FixtureAsset, 'name' | 'sha256'>>): string {
  return [...assets]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => `${a.sha256}  ${a.name}\n`)
    .join('');
}

async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(createReadStream(path), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.length;
    }
  });
  return { sha256: hash.digest('hex'), size };
}
