import { describe, expect, expectTypeOf, it } from 'vitest';
import { DEFAULT_RELEASE } from '../../src/config/defaults.ts';
import type { Release } from '../../src/github/types.ts';
import { judgeArchiveSize } from '../../src/release/judge-archive-size.ts';
import { latestPublishedRelease, previousArchive, type ListedRelease } from '../../src/release/previous-release.ts';

const MB = 1_000_000;
const release = (tag: string, publishedAt: string | null, assets: Array<[string, number]> = [], draft = false): ListedRelease => ({
  tag_name: tag,
  draft,
  published_at: publishedAt,
  assets: assets.map(([name, size]) => ({ name, size, state: 'uploaded' })),
});

describe('latestPublishedRelease', () => {
  it("takes a GitHub release as it comes from the API", () => {
    expectTypeOf<Release>().toMatchTypeOf<ListedRelease>();
  });

  it('picks the latest published release of ours: not a draft, not the draft itself, not another kind of tag', () => {
    const releases = [
      release('v0.2.3', '2026-07-01T10:00:00Z'),
      release('v0.2.4', '2026-08-01T10:00:00Z'),
      release('deps-linux-virt-6.12.83-r0', '2026-09-01T10:00:00Z'),
      release('v0.2.5', null, [], true),
      release('v0.2.5-rc.1', '2026-07-15T10:00:00Z'),
      release('v0.2.6', '2026-09-02T10:00:00Z'),
    ];
    expect(latestPublishedRelease(releases, DEFAULT_RELEASE, 'v0.2.6')?.tag_name).toBe('v0.2.4');
    expect(latestPublishedRelease(releases.slice(0, 1), DEFAULT_RELEASE, 'v0.2.3')).toBeUndefined();
  });

  it("finds the platform's archive by the asset pattern with that release's tag, or says there is none", () => {
    const r = release('v0.2.4', '2026-08-01T10:00:00Z', [['ephemerd_v0.2.4_windows_amd64.zip', 262 * MB], ['ephemerd_v0.2.5_linux_amd64.tar.gz', 1]]);
    expect(previousArchive(r, DEFAULT_RELEASE, 'windows/amd64')).toEqual({ tag: 'v0.2.4', asset: { name: 'ephemerd_v0.2.4_windows_amd64.zip', size: 262 * MB } });
    expect(previousArchive(r, DEFAULT_RELEASE, 'linux/amd64')).toEqual({ tag: 'v0.2.4', asset: null });
  });
});

describe('judgeArchiveSize', () => {
  const previous = { tag: 'v0.2.4', asset: { name: 'ephemerd_v0.2.4_windows_amd64.zip', size: 300 * MB } };
  const judge = (size: number, ratio = 0.25): ReturnType<typeof judgeArchiveSize> =>
    judgeArchiveSize({ asset: { name: 'ephemerd_v0.2.5_windows_amd64.zip', size }, previous, maxChangeRatio: ratio });

  it('fails an archive 100 MB larger than last time, naming both sizes and the ratio', () => {
    expect(judge(400 * MB)).toEqual({
      status: 'fail',
      detail: [
        "ephemerd_v0.2.5_windows_amd64.zip is 400 MB (400000000 bytes), v0.2.4's ephemerd_v0.2.4_windows_amd64.zip was 300 MB (300000000 bytes): +33.3%, beyond ±25% (release.sizeChangeRatio)",
      ],
      facts: { bytes: '400000000', previousTag: 'v0.2.4', previousBytes: '300000000', changeRatio: '0.3333' },
    });
  });

  it('passes a change up to the ratio, either way, and fails a shrunk one beyond it', () => {
    expect(judge(375 * MB).status).toBe('pass');
    expect(judge(375 * MB + 1).status).toBe('fail');
    expect(judge(225 * MB).detail[0]).toBe(
      "ephemerd_v0.2.5_windows_amd64.zip is 225 MB (225000000 bytes), v0.2.4's ephemerd_v0.2.4_windows_amd64.zip was 300 MB (300000000 bytes): −25.0%, within ±25%",
    );
    expect(judge(20 * MB).status).toBe('fail');
    expect(judge(400 * MB, 0.5).status).toBe('pass');
  });

  it('notes, without failing, a first release and a release without this platform', () => {
    const asset = { name: 'ephemerd_v0.2.5_darwin_arm64.tar.gz', size: 300 * MB };
    expect(judgeArchiveSize({ asset, previous: null, maxChangeRatio: 0.25 })).toEqual({
      status: 'skipped',
      detail: ['no earlier published release to compare the size with'],
      facts: { bytes: '300000000' },
    });
    expect(judgeArchiveSize({ asset, previous: { tag: 'v0.2.4', asset: null }, maxChangeRatio: 0.25 }).detail).toEqual([
      'v0.2.4 has no archive for this platform: size not compared',
    ]);
  });
});
