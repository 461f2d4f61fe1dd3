import type { ReleaseRules } from '../config/types.ts';
import { ConfigError } from '../domain/errors.ts';
import { parsePlatform, type PlatformId } from '../domain/platform.ts';

/** The pipeline's archive names: `ephemerd_v1.2.3_linux_amd64.tar.gz`, `..._windows_amd64.zip`. */
export const DEFAULT_ASSET_PATTERN = 'ephemerd_{tag}_{os}_{arch}.{ext}';
export const DEFAULT_CHECKSUMS_ASSET = 'checksums.txt';

export interface ExpectedAsset {
  platform: PlatformId;
  name: string;
}

/** The archive name a draft must carry for one platform (`{ext}` is `zip` on windows). */
export function expectedAssetName(pattern: string, tag: string, platform: PlatformId): string {
  const parsed = parsePlatform(platform);
  // PlatformId is `os/arch` by type, but a config could carry anything: fail loudly, not silently.
  if (!parsed) throw new ConfigError(`platform "${platform}" is not of the form os/arch`);
  const ext = parsed.os === 'windows' ? 'zip' : 'tar.gz';
  const values: Record<string, string> = { tag, os: parsed.os, arch: parsed.arch, ext };
  return pattern.replace(/\{(tag|os|arch|ext)\}/g, (_, key: string) => values[key] ?? '');
}

/** One expected archive per platform, in the order given. */
export function expectedAssets(
  rules: Pick<ReleaseRules, 'assetPattern'>,
  tag: string,
  platforms: readonly PlatformId[],
): ExpectedAsset[] {
  return platforms.map((platform) => ({ platform, name: expectedAssetName(rules.assetPattern, tag, platform) }));
}
