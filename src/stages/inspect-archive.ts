import { open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { ScanOptions, ScanResult } from '../archive/archive-entry.ts';
import { checkBinary, type InspectedBinary } from '../archive/binary-rules.ts';
import { describeStop } from '../archive/describe-stop.ts';
import { checkEntries, normalizeEntryName } from '../archive/entry-rules.ts';
import type { Finding } from '../archive/finding.ts';
import { formatSize } from '../domain/format-size.ts';
import { scanTarGzStream } from '../archive/read-tar-gz.ts';
import { archiveKind, scanArchive, type ArchiveKind } from '../archive/scan-archive.ts';
import { SmokeError } from '../domain/errors.ts';
import { binaryFileName, parsePlatform, type PlatformId } from '../domain/platform.ts';
import { checkResult, type CheckResult } from '../domain/verdict.ts';

export interface InspectInput {
  assetName: string;
  platform: PlatformId;
  /** Without `.exe`: added for windows. */
  binaryName: string;
  minBinaryBytes: number;
  maxExtractedBytes: number;
}

export interface Inspection {
  /** Named `archive`. */
  check: CheckResult;
  binary: InspectedBinary | null;
  /** Every problem found; the check's detail is the first. */
  findings: Finding[];
  /** Decompressed bytes that streamed past (at most one chunk over the cap). */
  extractedBytes: number;
}

/** Go headers sit in the first few KiB; 64 KiB also covers their program headers. */
const HEAD_BYTES = 64 * 1024;
const MAX_ENTRIES = 1000;

/**
 * Inspects a downloaded archive before any host sees it: safe entries, one binary at the root,
 * the right executable for the platform, static on Linux, above the size floor, executable.
 * Bad content is a `fail`; it throws only when the local file cannot be opened at all.
 */
export async function inspectArchive(path: string, input: InspectInput): Promise<Inspection> {
  const started = performance.now();
  const context = { asset: input.assetName, platform: input.platform };
  try {
    await (await open(path, 'r')).close();
  } catch (err) {
    throw new SmokeError(`inspect ${input.assetName}: cannot open ${path}: ${err instanceof Error ? err.message : String(err)}`, context, { cause: err });
  }
  return inspectWith(input, started, (kind, options) => scanArchive(path, kind, options));
}

/**
 * The same inspection of a .tar.gz read from `source` as it streams past (a download's tee):
 * no second pass over the file. `source` is always read to its end, even after a stop or when
 * this throws (an unknown platform, or a name that is not a .tar.gz: zip needs the whole file).
 */
export async function inspectArchiveStream(source: Readable, input: InspectInput): Promise<Inspection> {
  const started = performance.now();
  const scanning = scanTarGzStream(source, scanOptions(input));
  const kind = archiveKind(input.assetName);
  if (kind !== 'tar.gz') {
    await scanning;
    throw new SmokeError(`inspect ${input.assetName}: only a .tar.gz can be inspected while it streams`, { asset: input.assetName, platform: input.platform });
  }
  return inspectWith(input, started, () => scanning);
}

type Scan = (kind: ArchiveKind, options: ScanOptions) => Promise<ScanResult>;

/** Everything after the bytes: the rules, the findings, the check. */
async function inspectWith(input: InspectInput, started: number, scan: Scan): Promise<Inspection> {
  const context = { asset: input.assetName, platform: input.platform };
  const platform = parsePlatform(input.platform);
  if (!platform) throw new SmokeError(`inspect ${input.assetName}: unknown platform '${input.platform}'`, context);
  const done = (findings: Finding[], binary: InspectedBinary | null, extractedBytes: number): Inspection => {
    const ms = performance.now() - started;
    const first = findings[0];
    const check = first
      ? checkResult('archive', 'fail', first.message + (findings.length > 1 ? ` (and ${findings.length - 1} more)` : ''), ms)
      : checkResult('archive', 'pass', passDetail(binary), ms);
    return { check, binary, findings, extractedBytes };
  };

  const kind = archiveKind(input.assetName);
  if (!kind) {
    return done([{ code: 'broken-archive', message: `${input.assetName}: not a .tar.gz or .zip name; cannot tell how to read it` }], null, 0);
  }
  const binaryFile = binaryFileName(input.platform, input.binaryName);
  const scanned = await scan(kind, scanOptions(input));
  const entries = checkEntries(scanned.entries, binaryFile);
  if (scanned.stop) {
    // The listing is partial: only the unsafe entries already seen are worth adding.
    const unsafe = entries.findings.filter((f) => f.code === 'unsafe-entry');
    return done([describeStop(scanned.stop, input.assetName), ...unsafe], null, scanned.extractedBytes);
  }
  if (!entries.binary) return done(entries.findings, null, scanned.extractedBytes);
  const checked = checkBinary(entries.binary, {
    platform,
    binaryFile,
    minBinaryBytes: input.minBinaryBytes,
    requireExecBit: kind === 'tar.gz' && platform.os !== 'windows',
  });
  return done([...entries.findings, ...checked.findings], checked.binary, scanned.extractedBytes);
}

function scanOptions(input: InspectInput): ScanOptions {
  const binaryFile = binaryFileName(input.platform, input.binaryName);
  return {
    maxExtractedBytes: input.maxExtractedBytes,
    headBytes: HEAD_BYTES,
    wantHead: (name) => normalizeEntryName(name) === binaryFile,
    maxEntries: MAX_ENTRIES,
  };
}

function passDetail(binary: InspectedBinary | null): string {
  if (!binary) return 'archive looks right';
  const linkage = binary.static === true ? ', static' : '';
  return `${binary.name}: ${binary.format} ${binary.os}/${binary.arch}${linkage}, ${formatSize(binary.size)}`;
}
