import { describe, expect, it } from 'vitest';
import { EPHEMERD_PLATFORMS } from '../../src/domain/platform.ts';
import { DEFAULT_ASSET_PATTERN } from '../../src/release/asset-names.ts';
import { matchDraft } from '../../src/release/match-draft.ts';
import { parseChecksums } from '../../src/release/parse-checksums.ts';
import { asset } from './release-fixture.ts';

const rules = { assetPattern: DEFAULT_ASSET_PATTERN, checksumsAsset: 'checksums.txt' };
const names = [
  'ephemerd_v1.2.3_linux_amd64.tar.gz',
  'ephemerd_v1.2.3_linux_arm64.tar.gz',
  'ephemerd_v1.2.3_windows_amd64.zip',
  'ephemerd_v1.2.3_darwin_arm64.tar.gz',
];
const options = { platforms: EPHEMERD_PLATFORMS, rules };

describe('matchDraft', () => {
  it('is complete when every archive and checksums.txt are uploaded', () => {
    const assets = [...names, 'checksums.txt'].map((n, i) => asset(n, { id: i + 1 }));
    const match = matchDraft({ tag_name: 'v1.2.3', assets }, options);
    expect(match.complete).toBe(true);
    expect(match.missing).toEqual([]);
    expect(match.unexpected).toEqual([]);
    expect(match.platforms.map((p) => [p.platform, p.asset?.id])).toEqual([
      ['linux/amd64', 1],
      ['linux/arm64', 2],
      ['windows/amd64', 3],
      ['darwin/arm64', 4],
    ]);
    expect(match.checksumsAsset?.id).toBe(5);
  });

  it('counts absent assets and assets still uploading as missing, and lists unexpected ones', () => {
    const assets = [
      asset(names[0]!),
      asset(names[2]!, { state: 'open' }),
      asset(names[3]!),
      asset('ephemerd_v1.2.3_freebsd_amd64.tar.gz'),
      asset('sbom.json'),
    ];
    const match = matchDraft({ tag_name: 'v1.2.3', assets }, options);
    expect(match.complete).toBe(false);
    expect(match.missing).toEqual([names[1], names[2], 'checksums.txt']);
    expect(match.notReady).toEqual([`${names[2]} (state: open)`]);
    expect(match.unexpected).toEqual(['ephemerd_v1.2.3_freebsd_amd64.tar.gz', 'sbom.json']);
    expect(match.platforms.map((p) => p.asset === null)).toEqual([false, true, true, false]);
    expect(match.checksumsAsset).toBeNull();
  });

  it('cross-checks checksums.txt: entries for missing archives and archives with no entry, by name and line', () => {
    const assets = [asset(names[0]!), asset(names[1]!), asset(names[3]!), asset('checksums.txt')];
    const sha = 'a'.repeat(64);
    const checksums = parseChecksums(`${sha}  ${names[0]}\n${sha}  ${names[2]}\n${sha}  other.tar.gz\n${sha}  ${names[3]}\n`);
    const match = matchDraft({ tag_name: 'v1.2.3', assets }, { ...options, checksums });
    expect(match.coverage).toEqual({
      unlisted: [names[1]],
      orphans: [
        { name: names[2], line: 2, message: `checksums.txt:2: "${names[2]}" is missing from the draft` },
        { name: 'other.tar.gz', line: 3, message: 'checksums.txt:3: "other.tar.gz" is not an expected archive' },
      ],
    });
  });

  it('only expects the platforms it is given', () => {
    const match = matchDraft(
      { tag_name: 'v1.2.3', assets: [asset(names[0]!), asset('checksums.txt')] },
      { platforms: ['linux/amd64'], rules },
    );
    expect(match.complete).toBe(true);
  });
});
