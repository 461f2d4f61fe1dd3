import { performance } from 'node:perf_hooks';
import { HostError } from '../domain/errors.ts';
import { binaryFileName, type PlatformId } from '../domain/platform.ts';
import { checkResult, type CheckResult } from '../domain/verdict.ts';
import type { ExecResult, Remote } from '../hosts/remote.ts';
import { firstLine, runChecked, runOnHost } from '../hosts/run-on-host.ts';
import { otherStageLines, parseStageLines, type ArchiveFormat, type Shell } from '../shells/shell.ts';
import { noSpaceReason } from './upload-space.ts';

export interface StageOnHostInput {
  localArchive: string;
  assetName: string;
  /** The archive's SHA-256 as verified after download. */
  expectedSha256: string;
  /**
   * SHA-256 of the binary's entry as the inspection read it: the file the host extracts must be
   * exactly that one, or the host would run bytes nobody inspected.
   */
  binarySha256?: string | null;
  /** Without `.exe`: added for windows/* platforms. */
  binaryName: string;
  platform: PlatformId;
  /** Names the run directory (`smoke-<runId>-…`) so `smoke hosts clean` can find it later. */
  runId: string;
  onProgress?: (bytes: number, total: number) => void;
}

export interface StagedBinary {
  /** The `upload` check: transferred, hash verified on the host, extracted. */
  check: CheckResult;
  /** Set as soon as the directory exists, also on failure: cleanup needs it. */
  runDir: string | null;
  binaryPath: string | null;
}

/** The uploaded archive's mode where the host's shell sets it (SFTP keeps the cache file's). */
const ARCHIVE_MODE = 0o644;

/**
 * Puts the archive on the host in a fresh run directory and extracts it. Everything that goes
 * wrong here is the transfer or the host (the archive was verified before): `error`, never `fail`.
 */
export async function stageOnHost(remote: Remote, shell: Shell, input: StageOnHostInput): Promise<StagedBinary> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const commandMs = remote.host.timeouts.commandMs;
  let runDir: string | null = null;
  try {
    assertPlainFileName(input.assetName, remote.host.name);
    const made = await runChecked(remote, shell.makeRunDir({ workdir: remote.host.workdir, runId: input.runId }), 'make the run directory', commandMs);
    runDir = firstLine(made);
    if (runDir === '') throw new HostError(remote.host.name, 'make the run directory: it printed no path');

    const binDir = shell.joinPath(runDir, 'bin');
    // The platform names the file, not the shell: a Windows build is `ephemerd.exe` wherever it is unpacked.
    const fileName = binaryFileName(input.platform, input.binaryName);
    const binaryPath = shell.joinPath(binDir, fileName);
    const target = { archive: shell.joinPath(runDir, input.assetName), destination: binDir, binaryPath };
    const staged = await uploadVerified(remote, shell, target, input);
    if ('transferError' in staged) return { check: checkResult('upload', 'error', staged.transferError, elapsed()), runDir, binaryPath: null };
    if (!staged.binaryFound) {
      const detail = `${fileName} is not in ${binDir} after extracting ${input.assetName}`;
      return { check: checkResult('upload', 'error', detail, elapsed()), runDir, binaryPath: null };
    }
    const inspected = input.binarySha256?.toLowerCase();
    if (inspected && staged.binarySha256 !== inspected) {
      const got = staged.binarySha256 === undefined ? 'could not be hashed' : `has sha256 ${staged.binarySha256.slice(0, 64)}`;
      const detail =
        `${fileName} extracted on ${remote.host.name} ${got}, but the entry the inspection judged has sha256 ${inspected}: ` +
        `the host's extractor read ${input.assetName} differently, and nothing inspected would run`;
      // Hashing that failed on the host is the host's fault; other bytes are the archive's.
      const status = staged.binarySha256 === undefined ? 'error' : 'fail';
      return { check: checkResult('upload', status, detail, elapsed()), runDir, binaryPath: null };
    }
    const verified = inspected ? 'extracted, the binary is the one inspected' : 'extracted';
    const check = checkResult('upload', 'pass', `${input.assetName} on ${remote.host.name}, sha256 verified, ${verified}`, elapsed());
    return { check, runDir, binaryPath };
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    return { check: checkResult('upload', 'error', error.message, elapsed()), runDir, binaryPath: null };
  }
}

type Verified = { transferError: string } | { binaryFound: boolean; binarySha256?: string };

/**
 * Uploads, then hashes, compares and extracts in one exec (`Shell.stageArchive`): a good upload
 * costs one round trip after the transfer. A hash mismatch uploads again, once.
 */
async function uploadVerified(
  remote: Remote,
  shell: Shell,
  target: { archive: string; destination: string; binaryPath: string },
  input: StageOnHostInput,
): Promise<Verified> {
  const expected = input.expectedSha256.toLowerCase();
  const command = shell.stageArchive({ ...target, expectedSha256: expected, format: formatOf(input.assetName) });
  const receiver = shell.receiveFile(target.archive, ARCHIVE_MODE);
  let why = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await remote.upload(input.localArchive, target.archive, {
        timeoutMs: remote.host.timeouts.uploadMs,
        ...(receiver !== null ? { receiver } : {}),
        ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      });
    } catch (error) {
      why = `upload of ${input.assetName} failed: ${error instanceof Error ? error.message : String(error)}`;
      if (!remote.connected) break; // nothing to retry on; the caller reconnects for cleanup
      const full = await noSpaceReason(remote, shell, input.localArchive);
      if (full) return { transferError: `${full} (${why})` }; // the same bytes will not fit a second time
      continue;
    }
    const res = await runOnHost(remote, command, `hash and extract ${input.assetName}`, { timeoutMs: remote.host.timeouts.uploadMs, maxOutputBytes: 64 * 1024 });
    const got = parseStageLines(res.stdout);
    if (got.sha256 === undefined) throw new HostError(remote.host.name, `hash ${input.assetName}: ${failure(res)}`);
    if (got.mismatch || got.sha256 !== expected) {
      why = `${input.assetName} arrived on ${remote.host.name} with sha256 ${got.sha256.slice(0, 64) || '(none)'}, expected ${input.expectedSha256}`;
      continue;
    }
    if (got.binary === undefined) throw new HostError(remote.host.name, `extract ${input.assetName}: ${failure(res)}`);
    return got.binarySha256 === undefined ? { binaryFound: got.binary } : { binaryFound: got.binary, binarySha256: got.binarySha256 };
  }
  return { transferError: `${why} (after 2 attempts)` };
}

/** What a failed step said: stderr first, then stdout without `stageArchive`'s own lines. */
function failure(res: ExecResult): string {
  return firstLine(res.stderr) || firstLine(otherStageLines(res.stdout)) || `exit code ${String(res.exitCode)}`;
}

function formatOf(assetName: string): ArchiveFormat {
  return assetName.toLowerCase().endsWith('.zip') ? 'zip' : 'tar.gz';
}

/** The asset name becomes a file name on the host: it must not walk out of the run directory. */
function assertPlainFileName(name: string, host: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new HostError(host, `asset name ${JSON.stringify(name)} is not a plain file name`);
  }
}
