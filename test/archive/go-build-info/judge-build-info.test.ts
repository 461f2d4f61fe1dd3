import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeBuildInfo, type BuildExpectation } from '../../../src/archive/go-build-info/judge-build-info.ts';
import { readGoBuildInfo, type GoBuildInfoRead } from '../../../src/archive/go-build-info/read-go-build-info.ts';
import { DEFAULT_RELEASE } from '../../../src/config/defaults.ts';
import type { PlatformId } from '../../../src/domain/platform.ts';
import { withSetting, writeBuildInfoVariant } from '../../support/go-build-info-variant.ts';
import { TEST_BINARIES } from '../../support/test-binaries.ts';

const TAG = 'v0.2.4';
const COMMIT = '1f0c3a9d2b7e4c5a6f8091a2b3c4d5e6f7081920';
const OTHER_COMMIT = '208f539945b145e7c9d6d844290f81c3fe5af320';
const LDFLAGS = `-s -w -X main.version=${TAG} -X github.com/ephpm/ephemerd/pkg/runner.Version=${TAG}`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoke-build-info-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function binary(platform: PlatformId): string {
  return TEST_BINARIES.find((b) => b.platform === platform)!.file;
}

/** A copy of esbuild's real binary for `platform` with the release's stamp and vcs lines, edited. */
async function variant(name: string, platform: PlatformId, edit: (lines: string[]) => string[] = (l) => l): Promise<GoBuildInfoRead> {
  const out = join(dir, name);
  await writeBuildInfoVariant(binary(platform), out, (lines) =>
    edit(withSetting(withSetting(lines, '-ldflags', LDFLAGS), 'vcs.revision', COMMIT)),
  );
  return readGoBuildInfo(createReadStream(out, { highWaterMark: 4099 }));
}

const expectFor = (platform: PlatformId, over: Partial<BuildExpectation> = {}): BuildExpectation => ({
  platform,
  tag: TAG,
  commit: COMMIT,
  rules: DEFAULT_RELEASE,
  ...over,
});

describe('judgeBuildInfo on variants of real binaries', () => {
  it('passes a release build: right platform, stamped with the tag, built from the commit, clean, static', async () => {
    const judgement = judgeBuildInfo(await variant('good-linux', 'linux/amd64'), expectFor('linux/amd64'));
    expect(judgement).toEqual({
      status: 'pass',
      detail: ['go1.23.12, linux/amd64, stamped main.version=v0.2.4, commit 1f0c3a9d2b7e, clean tree, CGO_ENABLED=0'],
      facts: { go: 'go1.23.12', path: 'github.com/evanw/esbuild/cmd/esbuild', versionStamp: TAG, vcsRevision: COMMIT },
    });
  });

  it('fails a Windows binary stamped dev, naming the stamp and the tag it wanted', async () => {
    const read = await variant('dev-windows.exe', 'windows/amd64', (l) => withSetting(l, '-ldflags', '-s -w -X main.version=dev'));
    const judgement = judgeBuildInfo(read, expectFor('windows/amd64'));
    expect(judgement.status).toBe('fail');
    expect(judgement.detail[0]).toBe('stamped dev (the fallback of a build without the tag): -X main.version=dev, expected v0.2.4');
    expect(judgement.facts).toMatchObject({ go: 'go1.23.12', versionStamp: 'dev' });
  });

  it('fails another tag and a missing stamp, with the symbol from release.versionStamp', async () => {
    const other = await variant('other-tag', 'linux/arm64', (l) => withSetting(l, '-ldflags', '-X main.version=v0.2.3'));
    expect(judgeBuildInfo(other, expectFor('linux/arm64')).detail[0]).toBe('stamped "v0.2.3": -X main.version=v0.2.3, expected v0.2.4');
    const rules = { ...DEFAULT_RELEASE, versionStamp: 'github.com/ephpm/ephemerd/pkg/runner.Version' };
    expect(judgeBuildInfo(other, expectFor('linux/arm64', { rules })).detail[0]).toBe(
      'no version stamp: -ldflags has no -X github.com/ephpm/ephemerd/pkg/runner.Version=…; expected -X github.com/ephpm/ephemerd/pkg/runner.Version=v0.2.4',
    );
    const longer = await variant('longer-tag', 'linux/arm64', (l) => withSetting(l, '-ldflags', `-X main.version=${TAG}-dirty`));
    expect(judgeBuildInfo(longer, expectFor('linux/arm64')).detail[0]).toBe('stamped "v0.2.4-dirty": -X main.version=v0.2.4-dirty, expected v0.2.4');
    const good = await variant('runner-stamp', 'linux/arm64');
    expect(judgeBuildInfo(good, expectFor('linux/arm64', { rules })).status).toBe('pass');
  });

  it('fails a binary built from another commit, and one built from a modified tree', async () => {
    const other = await variant('other-commit', 'linux/amd64', (l) => withSetting(l, 'vcs.revision', OTHER_COMMIT));
    const j1 = judgeBuildInfo(other, expectFor('linux/amd64'));
    expect(j1.status).toBe('fail');
    expect(j1.detail).toEqual([`built from commit ${OTHER_COMMIT}, the draft is at ${COMMIT}`]);
    const dirty = await variant('modified', 'linux/amd64', (l) => withSetting(l, 'vcs.modified', 'true'));
    const j2 = judgeBuildInfo(dirty, expectFor('linux/amd64'));
    expect(j2.status).toBe('fail');
    expect(j2.detail).toEqual(['built from a modified tree (vcs.modified=true at 1f0c3a9d2b7e)']);
  });

  it('notes a build without vcs lines (a runner without git) and still passes it', async () => {
    const read = await variant('no-vcs.exe', 'windows/amd64', (l) => l.filter((line) => !line.startsWith('build\tvcs')));
    const judgement = judgeBuildInfo(read, expectFor('windows/amd64'));
    expect(judgement.status).toBe('pass');
    expect(judgement.detail[1]).toBe('no vcs lines in the build info (built without git, e.g. from a tarball checkout): commit not checked');
  });

  it('fails a binary built for another platform than its archive says', async () => {
    const judgement = judgeBuildInfo(await variant('arm-as-amd', 'linux/arm64'), expectFor('linux/amd64'));
    expect(judgement.status).toBe('fail');
    expect(judgement.detail[0]).toBe('built for linux/arm64 (GOOS/GOARCH in the build info), expected linux/amd64');
  });

  it('requires CGO_ENABLED=0 on Linux by default, and follows release.cgoEnabled per OS', async () => {
    const cgo = await variant('cgo', 'linux/amd64', (l) => withSetting(l, 'CGO_ENABLED', '1'));
    expect(judgeBuildInfo(cgo, expectFor('linux/amd64')).detail).toEqual(['CGO_ENABLED=1, expected CGO_ENABLED=0 (release.cgoEnabled)']);
    const any = { ...DEFAULT_RELEASE, cgoEnabled: { linux: 'any' as const } };
    expect(judgeBuildInfo(cgo, expectFor('linux/amd64', { rules: any })).status).toBe('pass');
    const darwinCgo = { ...DEFAULT_RELEASE, cgoEnabled: { darwin: true } };
    const darwin = await variant('darwin', 'darwin/arm64');
    expect(judgeBuildInfo(darwin, expectFor('darwin/arm64', { rules: darwinCgo })).detail).toEqual([
      'CGO_ENABLED=0, expected CGO_ENABLED=1 (release.cgoEnabled)',
    ]);
  });

  it('puts every failure in the detail, the first one first', async () => {
    const read = await variant('all-wrong', 'linux/amd64', (l) =>
      withSetting(withSetting(withSetting(l, '-ldflags', '-X main.version=dev'), 'vcs.modified', 'true'), 'CGO_ENABLED', '1'),
    );
    const judgement = judgeBuildInfo(read, expectFor('linux/arm64'));
    expect(judgement.detail.map((line) => line.split(' ')[0])).toEqual(['built', 'stamped', 'built', 'CGO_ENABLED=1,']);
  });
});

describe('judgeBuildInfo on the real esbuild binaries and on non-Go files', () => {
  it('fails the real esbuild build for its missing stamp, saying -trimpath hides -ldflags', async () => {
    const read = await readGoBuildInfo(createReadStream(binary('darwin/arm64')));
    const judgement = judgeBuildInfo(read, expectFor('darwin/arm64', { commit: OTHER_COMMIT }));
    expect(judgement.status).toBe('fail');
    expect(judgement.detail).toEqual([
      'no version stamp: the build info has no -ldflags (cmd/go does not record -ldflags in a -trimpath build); expected -X main.version=v0.2.4',
    ]);
  });

  it('fails a binary without build info when required, skips it when optional', async () => {
    const file = join(dir, 'script');
    await writeFile(file, '#!/bin/sh\necho ephemerd version v0.2.4\n');
    const read = await readGoBuildInfo(createReadStream(file));
    const required = judgeBuildInfo(read, expectFor('linux/amd64'));
    expect(required.status).toBe('fail');
    expect(required.detail[0]).toMatch(/^no Go build info in the binary .*; release\.goBuildInfo is required$/);
    const optional = judgeBuildInfo(read, expectFor('linux/amd64', { rules: { ...DEFAULT_RELEASE, goBuildInfo: 'optional' } }));
    expect(optional.status).toBe('skipped');
  });

  it('notes an unknown draft commit rather than failing on it', async () => {
    const judgement = judgeBuildInfo(await variant('unknown-commit', 'linux/amd64'), expectFor('linux/amd64', { commit: null }));
    expect(judgement.status).toBe('pass');
    expect(judgement.detail[1]).toBe(`built from ${COMMIT}; the draft's commit is unknown, so it was not compared`);
  });
});
