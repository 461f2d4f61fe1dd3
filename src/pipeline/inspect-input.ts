import type { SmokeConfig } from '../config/types.ts';
import type { PlatformId } from '../domain/platform.ts';
import type { InspectInput } from '../stages/inspect-archive.ts';

/** The `archive` check's input for one asset, from the config: the same whether it runs during the download or after. */
export function inspectInput(config: SmokeConfig, platform: PlatformId, assetName: string): InspectInput {
  return {
    assetName,
    platform,
    binaryName: config.release.binaryName,
    minBinaryBytes: config.platforms.get(platform)?.minBinaryBytes ?? 0,
    maxExtractedBytes: config.inspect.maxExtractedBytes,
  };
}
