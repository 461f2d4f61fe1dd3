import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RELEASE } from '../../src/config/defaults.ts';
import { loadConfig } from '../../src/config/load.ts';
import { configError, goodHost, lines, makeConfigDir, type ConfigDir } from './config-fixture.ts';

let tmp: ConfigDir;
beforeEach(async () => {
  tmp = await makeConfigDir();
});
afterEach(async () => {
  await tmp.remove();
});

const head = ['platforms:', '  linux/amd64:'];

async function release(...rows: string[]): Promise<Awaited<ReturnType<typeof loadConfig>>['release']> {
  const file = await tmp.write(lines(...head, 'release:', ...rows, 'hosts:', ...goodHost()));
  return (await loadConfig(file, {})).release;
}

async function errorLines(...rows: string[]): Promise<string[]> {
  const file = await tmp.write(lines(...head, 'release:', ...rows, 'hosts:', ...goodHost()));
  const error = await configError(loadConfig(file, {}));
  return error.message.split('\n').map((line) => line.replace(file, 'hosts.yaml'));
}

describe('release keys of the static checks', () => {
  it("defaults to ephemerd's: main.version, build info required, static Linux, the virtualization entitlement, ±25%", () => {
    expect(DEFAULT_RELEASE).toMatchObject({
      versionStamp: 'main.version',
      goBuildInfo: 'required',
      cgoEnabled: { linux: false },
      entitlements: ['com.apple.security.virtualization'],
      sizeChangeRatio: 0.25,
    });
  });

  it('takes each key from hosts.yaml; cgoEnabled merges per OS over the Linux default', async () => {
    const rules = await release(
      '  versionStamp: github.com/ephpm/ephemerd/pkg/build.Version',
      '  goBuildInfo: optional',
      '  cgoEnabled: { darwin: true }',
      '  entitlements: [com.apple.security.virtualization, com.apple.security.network.server]',
      '  sizeChangeRatio: 0.5',
    );
    expect(rules).toMatchObject({
      versionStamp: 'github.com/ephpm/ephemerd/pkg/build.Version',
      goBuildInfo: 'optional',
      cgoEnabled: { linux: false, darwin: true },
      entitlements: ['com.apple.security.virtualization', 'com.apple.security.network.server'],
      sizeChangeRatio: 0.5,
    });
    expect((await release('  cgoEnabled: { linux: any }')).cgoEnabled).toEqual({ linux: 'any' });
  });

  it('names file, line, column and key for each wrong value', async () => {
    const msg = await errorLines(
      '  versionStamp: "-X main.version"',
      '  goBuildInfo: yes',
      '  cgoEnabled: { linux: "0" }',
      '  entitlements: com.apple.security.virtualization',
      '  sizeChangeRatio: -1',
    );
    expect(msg).toEqual([
      'hosts.yaml:4:17 (release.versionStamp): expected a Go symbol such as main.version or example.com/pkg/build.Version, got "-X main.version"',
      'hosts.yaml:5:16 (release.goBuildInfo): expected required or optional, got "yes"',
      'hosts.yaml:6:24 (release.cgoEnabled.linux): expected true, false or any, got "0"',
      'hosts.yaml:7:17 (release.entitlements): expected a list of entitlement names, got "com.apple.security.virtualization"',
      'hosts.yaml:8:20 (release.sizeChangeRatio): expected a ratio greater than 0, such as 0.25 (±25%), got -1',
    ]);
  });
});
