import { describe, expect, it } from 'vitest';
import { EPHEMERD_PLATFORMS, type PlatformId } from '../../src/domain/platform.ts';
import { DEFAULT_ASSET_PATTERN, expectedAssetName, expectedAssets } from '../../src/release/asset-names.ts';

describe('expectedAssets', () => {
  it('names the four ephemerd archives, zip on windows only', () => {
    expect(expectedAssets({ assetPattern: DEFAULT_ASSET_PATTERN }, 'v1.2.3', EPHEMERD_PLATFORMS)).toEqual([
      { platform: 'linux/amd64', name: 'ephemerd_v1.2.3_linux_amd64.tar.gz' },
      { platform: 'linux/arm64', name: 'ephemerd_v1.2.3_linux_arm64.tar.gz' },
      { platform: 'windows/amd64', name: 'ephemerd_v1.2.3_windows_amd64.zip' },
      { platform: 'darwin/arm64', name: 'ephemerd_v1.2.3_darwin_arm64.tar.gz' },
    ]);
  });

  it('follows a custom pattern and repeats placeholders', () => {
    expect(expectedAssetName('{os}-{arch}/{tag}/{os}.{ext}', 'v2.0.0-rc.1', 'linux/arm64')).toBe(
      'linux-arm64/v2.0.0-rc.1/linux.tar.gz',
    );
  });

  it('names a platform that is not os/arch', () => {
    expect(() => expectedAssetName(DEFAULT_ASSET_PATTERN, 'v1.2.3', 'Linux/amd64' as PlatformId)).toThrow(
      /platform "Linux\/amd64" is not of the form os\/arch/,
    );
  });
});
