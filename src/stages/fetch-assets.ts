import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { archiveKind } from '../archive/scan-archive.ts';
import { cachedAsset, type CachedAsset, type ReadAlong } from '../cache/download-cache.ts';
import { ignoreEvents, type EventSink } from '../domain/events.ts';
import type { PlatformId } from '../domain/platform.ts';
import { checkResult, type CheckResult } from '../domain/verdict.ts';
import type { GitHub } from '../github/github.ts';
import type { Release, ReleaseAsset } from '../github/types.ts';
import { githubSha256, judgeChecksum } from '../release/judge-checksum.ts';
import type { DraftMatch, PlatformAsset } from '../release/match-draft.ts';
import { checksumsCoverage } from '../release/match-draft.ts';
import { MAX_CHECKSUMS_BYTES, parseChecksums, type ChecksumsFile } from '../release/parse-checksums.ts';
import { formatSize } from '../domain/format-size.ts';
import { sweepStalePartials } from '../cache/sweep-stale-partials.ts';
import { inspectArchiveStream, type InspectInput, type Inspection } from './inspect-archive.ts';

export interface FetchAssetsInput {
  /** Only names the draft in messages. */
  release?: Pick<Release, 'tag_name'>;
  match: Pick<DraftMatch, 'platforms' | 'checksumsAsset'>;
  /** Downloads live here under `<asset id>-<sha256>/`, so a re-uploaded asset never meets an old copy. */
  cacheDir: string;
  onEvent?: EventSink;
  signal?: AbortSignal;
  /**
   * When set, a freshly downloaded .tar.gz is inspected as it streams in (see
   * `FetchedPlatform.inspection`), with the input this gives for the platform and asset.
   */
  inspect?: (platform: PlatformId, assetName: string) => InspectInput;
  /** Told as a platform's download starts, so work that needs no bytes (an SSH handshake) overlaps it. */
  onDownloadStart?: (platform: PlatformId) => void;
}

export interface FetchedPlatform {
  platform: PlatformId;
  asset: ReleaseAsset | null;
  /** The complete download; null when it could not be downloaded. Set even when `checksum` failed. */
  localPath: string | null;
  sha256: string | null;
  /** `asset` then `checksum`. Already emitted as `check` events: callers must not emit them again. */
  checks: CheckResult[];
  /**
   * The `archive` inspection done while the bytes streamed in (not yet emitted): only for a fresh
   * .tar.gz download whose checksum passed, when `inspect` was given. Its durationMs is the time
   * it took beyond the end of the download. Absent otherwise: inspect `localPath` then.
   */
  inspection?: Inspection;
}

export interface FetchedAssets {
  checksumsSha256: string | null;
  checksums: ChecksumsFile | null;
  platforms: FetchedPlatform[];
}

/** `status` of a failure: `fail` when the file itself is wrong, `error` (the default) when we could not tell. */
type Checksums = { ok: true; sha256: string; file: ChecksumsFile } | { ok: false; reason: string; status?: 'fail' };

/**
 * Stage 2: downloads checksums.txt and every archive once, and checks each archive against
 * checksums.txt and GitHub's digest. A cached copy is re-hashed before reuse: a disk that lost
 * or changed bytes must not pass for the release. Broken bytes are a `fail`; a download
 * that did not complete is an `error`, and its partial file is gone.
 */
export async function fetchAssets(github: Pick<GitHub, 'downloadAsset'>, input: FetchAssetsInput): Promise<FetchedAssets> {
  const started = await startFetch(github, input);
  return { ...started, platforms: await Promise.all(started.platforms) };
}

export interface FetchingAssets extends Omit<FetchedAssets, 'platforms'> {
  /** One per platform in match order; each settles when its download is verified (never rejects on a bad download). */
  platforms: Array<Promise<FetchedPlatform>>;
}

/**
 * Like `fetchAssets`, but hands back each platform as soon as its own archive is in: the
 * pipeline uploads the first archive while the next one downloads. Downloads still run one at
 * a time, in order, so the first platform gets the whole link.
 */
export async function startFetch(github: Pick<GitHub, 'downloadAsset'>, input: FetchAssetsInput): Promise<FetchingAssets> {
  const emit = input.onEvent ?? ignoreEvents;
  // A download killed by SIGKILL (or a power cut) could not remove its partial file: this run does.
  const swept = await sweepStalePartials(input.cacheDir);
  if (swept.files.length > 0) {
    emit({ kind: 'warning', message: `removed ${swept.files.length} partial download(s) (${swept.bytes} bytes) left in ${input.cacheDir} by a killed run` });
  }
  const checksums = await fetchChecksums(github, input, emit);
  let previous: Promise<unknown> = Promise.resolve();
  const platforms = input.match.platforms.map((entry) => {
    const next = previous.then(() => fetchPlatform(github, entry, checksums, input, emit));
    previous = next.catch(() => undefined);
    return next;
  });
  return checksums.ok
    ? { checksumsSha256: checksums.sha256, checksums: checksums.file, platforms }
    : { checksumsSha256: null, checksums: null, platforms };
}

async function fetchChecksums(github: Pick<GitHub, 'downloadAsset'>, input: FetchAssetsInput, emit: EventSink): Promise<Checksums> {
  const asset = input.match.checksumsAsset;
  if (!asset) {
    const draft = input.release ? `draft ${input.release.tag_name}` : 'the draft';
    return { ok: false, reason: `${draft} has no checksums file` };
  }
  if (asset.size > MAX_CHECKSUMS_BYTES) {
    return { ok: false, status: 'fail', reason: `${asset.name} is ${formatSize(asset.size)}, over the ${formatSize(MAX_CHECKSUMS_BYTES)} cap for a checksums file; not downloaded` };
  }
  const got = await obtain(github, asset, input, emit);
  if (!got.ok) return got;
  const github256 = githubSha256(asset.digest);
  if (github256 && github256 !== got.sha256) {
    return { ok: false, reason: `${asset.name} as downloaded (${got.sha256}) differs from GitHub's digest (${github256})` };
  }
  const file = parseChecksums(await readFile(got.path, 'utf8'), asset.name);
  const archives = new Set(input.match.platforms.map((p) => p.expectedName));
  // Errors about one archive land in its `checksum` check as a fail; the rest are warnings.
  const warnings = file.problems
    .filter((problem) => !(problem.severity === 'error' && problem.name !== undefined && archives.has(problem.name)))
    .map((problem) => problem.message);
  for (const orphan of checksumsCoverage(input.match.platforms, file).orphans) warnings.push(orphan.message);
  for (const message of summarised(warnings, asset.name)) emit({ kind: 'warning', message });
  return { ok: true, sha256: got.sha256, file };
}

async function fetchPlatform(
  github: Pick<GitHub, 'downloadAsset'>,
  entry: PlatformAsset,
  checksums: Checksums,
  input: FetchAssetsInput,
  emit: EventSink,
): Promise<FetchedPlatform> {
  const { platform, asset } = entry;
  const checks: CheckResult[] = [];
  const record = (result: CheckResult) => {
    checks.push(result);
    emit({ kind: 'check', platform, result });
  };
  const done = (localPath: string | null, sha256: string | null, inspection?: Inspection | null): FetchedPlatform =>
    inspection ? { platform, asset, localPath, sha256, checks, inspection } : { platform, asset, localPath, sha256, checks };

  if (!asset) {
    record(checkResult('asset', 'fail', `${entry.expectedName} is not on the draft (or not uploaded)`));
    record(checkResult('checksum', 'skipped', 'no archive to check'));
    return done(null, null);
  }
  emit({ kind: 'stage', platform, stage: 'download' });
  input.onDownloadStart?.(platform);
  const started = performance.now();
  // Progress names the platform, so a live view can show it on that platform's line.
  const withPlatform: EventSink = (event) => emit(event.kind === 'download-progress' ? { ...event, platform } : event);
  const got = await obtain(github, asset, input, withPlatform, checksums, inspectAlong(entry, input));
  const took = Math.round(performance.now() - started);
  if (!got.ok) {
    record(checkResult('asset', 'error', got.reason, took));
    record(checkResult('checksum', 'skipped', `${asset.name} was not downloaded`));
    return done(null, null);
  }
  const how = got.reused ? 'reused the cached copy of' : 'downloaded';
  record(checkResult('asset', 'pass', `${how} ${asset.name} (${got.bytes} bytes)`, took));
  const checksum = checksums.ok
    ? judgeChecksum({ assetName: asset.name, downloaded: got.sha256, githubDigest: asset.digest, checksums: checksums.file })
    : checkResult('checksum', checksums.status ?? 'error', `cannot check ${asset.name}: ${checksums.reason}`);
  record(checksum);
  // Settled by now or nearly: the download fed it every byte. Bytes that failed their checksum are judged no further.
  const inspection = got.inspection ? await got.inspection : null;
  return done(got.path, got.sha256, checksum.status === 'pass' ? inspection : null);
}

/** Warnings shown one per line; past this many, the rest are counted in one more line. */
const SHOWN_WARNINGS = 5;

function summarised(warnings: string[], fileName: string): string[] {
  if (warnings.length <= SHOWN_WARNINGS) return warnings;
  const rest = warnings.length - SHOWN_WARNINGS;
  return [...warnings.slice(0, SHOWN_WARNINGS), `${fileName}: ${rest} more problem${rest === 1 ? '' : 's'} like these not shown`];
}

/** For a .tar.gz, when asked: the inspection to run on the download's tee. */
function inspectAlong(entry: PlatformAsset, input: FetchAssetsInput): ReadAlong<Inspection> | undefined {
  const { asset, platform } = entry;
  if (!input.inspect || !asset || archiveKind(asset.name) !== 'tar.gz') return undefined;
  const inspectInput = input.inspect(platform, asset.name);
  // A throw (an unknown platform) is raised again, with its message, by the file inspection after.
  return (source) => inspectArchiveStream(source, inspectInput).catch(() => null);
}

type Obtained = Exclude<CachedAsset<Inspection>, { ok: true }> | (Extract<CachedAsset<Inspection>, { ok: true }> & { inspection?: Promise<Inspection | null> });

/** The asset's bytes on disk, from the download cache; checksums.txt names the expected hash when GitHub has no digest. */
async function obtain(
  github: Pick<GitHub, 'downloadAsset'>,
  asset: ReleaseAsset,
  input: FetchAssetsInput,
  emit: EventSink,
  checksums?: Checksums,
  readAlong?: ReadAlong<Inspection>,
): Promise<Obtained> {
  const listed = checksums?.ok ? checksums.file.entries.find((e) => e.name === asset.name)?.sha256 : undefined;
  const got = await cachedAsset(github, asset, {
    cacheDir: input.cacheDir,
    expectedSha256: githubSha256(asset.digest) ?? listed ?? null,
    onProgress: (bytes, total) => emit({ kind: 'download-progress', asset: asset.name, bytes, total }),
    onRetry: (message) => emit({ kind: 'warning', message }),
    ...(input.signal ? { signal: input.signal } : {}),
    ...(readAlong ? { readAlong } : {}),
  });
  if (!got.ok || !got.readAlong) return got;
  const { result, downloadedAt } = got.readAlong;
  // Its durationMs is only the time it took beyond the download's end: our own overhead.
  const inspection = result.then((i) => i && { ...i, check: { ...i.check, durationMs: Math.max(0, Math.round(performance.now() - downloadedAt)) } });
  return { ...got, inspection };
}
