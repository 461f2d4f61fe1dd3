import type { CgoRule, ReleaseRules } from '../../config/types.ts';
import type { Judgement } from '../../domain/judgement.ts';
import { parsePlatform, type PlatformId } from '../../domain/platform.ts';
import { buildSetting, type GoModuleInfo } from './module-info.ts';
import type { GoBuildInfoRead } from './read-go-build-info.ts';
import { versionStampIn } from './version-stamp.ts';

/** What the draft says the binary must be. */
export interface BuildExpectation {
  platform: PlatformId;
  tag: string;
  /** The draft's commit (a full SHA); null when it could not be resolved. */
  commit: string | null;
  rules: Pick<ReleaseRules, 'versionStamp' | 'goBuildInfo' | 'cgoEnabled'>;
}

/** Judges a binary's Go build info against the draft: platform, version stamp, commit, clean tree, cgo. */
export function judgeBuildInfo(read: GoBuildInfoRead, expect: BuildExpectation): Judgement {
  if (!read.found) {
    if (expect.rules.goBuildInfo === 'optional') return { status: 'skipped', detail: [`${read.reason} (release.goBuildInfo: optional)`], facts: {} };
    return { status: 'fail', detail: [`${read.reason}; release.goBuildInfo is required`], facts: {} };
  }
  const { goVersion, module } = read.info;
  const facts: Record<string, string> = { go: goVersion };
  if (module.path) facts.path = module.path;
  const failures: string[] = [];
  const notes: string[] = [];
  const passes: string[] = [goVersion];

  const platform = judgePlatform(module, expect.platform);
  (platform.ok ? passes : failures).push(platform.line);

  const stamp = judgeStamp(module, expect);
  if (stamp.value !== undefined) facts.versionStamp = stamp.value;
  (stamp.ok ? passes : failures).push(stamp.line);

  const vcs = judgeVcs(module, expect.commit);
  if (vcs.revision) facts.vcsRevision = vcs.revision;
  failures.push(...vcs.failures);
  notes.push(...vcs.notes);
  passes.push(...vcs.passes);

  const cgo = judgeCgo(module, expect.rules.cgoEnabled[parsePlatform(expect.platform)?.os ?? ''] ?? 'any');
  if (cgo) (cgo.ok ? passes : failures).push(cgo.line);

  if (failures.length > 0) return { status: 'fail', detail: [...failures, ...notes], facts };
  return { status: 'pass', detail: [passes.join(', '), ...notes], facts };
}

interface Line {
  ok: boolean;
  line: string;
}

function judgePlatform(module: GoModuleInfo, platform: PlatformId): Line {
  const built = `${buildSetting(module, 'GOOS') ?? '?'}/${buildSetting(module, 'GOARCH') ?? '?'}`;
  if (built === platform) return { ok: true, line: built };
  return { ok: false, line: `built for ${built} (GOOS/GOARCH in the build info), expected ${platform}` };
}

function judgeStamp(module: GoModuleInfo, expect: BuildExpectation): Line & { value?: string } {
  const symbol = expect.rules.versionStamp;
  const ldflags = buildSetting(module, '-ldflags');
  if (ldflags === undefined) {
    // cmd/go leaves -ldflags out of the build info under -trimpath (go.dev/issue/52372).
    const why = buildSetting(module, '-trimpath') === 'true' ? ' (cmd/go does not record -ldflags in a -trimpath build)' : '';
    return { ok: false, line: `no version stamp: the build info has no -ldflags${why}; expected -X ${symbol}=${expect.tag}` };
  }
  const value = versionStampIn(ldflags, symbol);
  if (value === undefined) return { ok: false, line: `no version stamp: -ldflags has no -X ${symbol}=…; expected -X ${symbol}=${expect.tag}` };
  if (value === expect.tag) return { ok: true, line: `stamped ${symbol}=${value}`, value };
  const what = value === 'dev' ? 'stamped dev (the fallback of a build without the tag)' : `stamped ${JSON.stringify(value)}`;
  return { ok: false, line: `${what}: -X ${symbol}=${value}, expected ${expect.tag}`, value };
}

function judgeVcs(module: GoModuleInfo, commit: string | null): { revision?: string; failures: string[]; notes: string[]; passes: string[] } {
  const revision = buildSetting(module, 'vcs.revision');
  const modified = buildSetting(module, 'vcs.modified');
  const failures: string[] = [];
  const notes: string[] = [];
  const passes: string[] = [];
  if (revision === undefined) {
    notes.push('no vcs lines in the build info (built without git, e.g. from a tarball checkout): commit not checked');
    return { failures, notes, passes };
  }
  if (commit === null) notes.push(`built from ${revision}; the draft's commit is unknown, so it was not compared`);
  else if (revision.toLowerCase() === commit.toLowerCase()) passes.push(`commit ${revision.slice(0, 12)}`);
  else failures.push(`built from commit ${revision}, the draft is at ${commit}`);
  if (modified === 'true') failures.push(`built from a modified tree (vcs.modified=true at ${revision.slice(0, 12)})`);
  else if (modified === 'false') passes.push('clean tree');
  return { revision, failures, notes, passes };
}

function judgeCgo(module: GoModuleInfo, rule: CgoRule): Line | undefined {
  if (rule === 'any') return undefined;
  const want = rule ? '1' : '0';
  const got = buildSetting(module, 'CGO_ENABLED');
  if (got === want) return { ok: true, line: `CGO_ENABLED=${got}` };
  const recorded = got === undefined ? 'no CGO_ENABLED in the build info' : `CGO_ENABLED=${got}`;
  return { ok: false, line: `${recorded}, expected CGO_ENABLED=${want} (release.cgoEnabled)` };
}
