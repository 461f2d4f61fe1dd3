import type { CheckResult } from '../domain/verdict.ts';
import { checkResult } from '../domain/verdict.ts';
import type { ChecksumsFile } from './parse-checksums.ts';

export interface ChecksumWitnesses {
  assetName: string;
  /** sha256 of the bytes we downloaded. */
  downloaded: string;
  /** GitHub's `digest` field ("sha256:<hex>"), or null for assets uploaded before it existed. */
  githubDigest: string | null;
  checksums: ChecksumsFile;
}

/**
 * The `checksum` check: the bytes we hold, checksums.txt and GitHub's own digest must agree.
 * Pure; every failing detail names the file, the line and both digests.
 */
export function judgeChecksum(w: ChecksumWitnesses, durationMs = 0): CheckResult {
  const fail = (detail: string) => checkResult('checksum', 'fail', detail, durationMs);
  const file = w.checksums.fileName;
  const conflict = w.checksums.problems.find((p) => p.severity === 'error' && p.name === w.assetName);
  if (conflict) return fail(conflict.message);

  const github = githubSha256(w.githubDigest);
  const entry = w.checksums.entries.find((e) => e.name === w.assetName);
  if (!entry) return fail(missingEntry(w.checksums, w.assetName));
  const where = `${file}:${entry.line}`;
  if (github && github !== entry.sha256) {
    return fail(
      `${where} describes other bytes than GitHub holds for ${w.assetName}: ${file} says ${entry.sha256}, GitHub's digest is ${github}`,
    );
  }
  if (entry.sha256 !== w.downloaded) {
    return fail(`sha256 of ${w.assetName} as downloaded is ${w.downloaded}, but ${where} says ${entry.sha256}`);
  }
  const also = github ? " and GitHub's digest" : " (GitHub has no digest for this asset)";
  return checkResult('checksum', 'pass', `sha256 ${w.downloaded} matches ${where}${also}`, durationMs);
}

/** Why checksums.txt has no line for an archive, pointing at the line that was probably meant. */
function missingEntry(checksums: ChecksumsFile, assetName: string): string {
  const file = checksums.fileName;
  if (checksums.entries.length === 0) {
    const whole = checksums.problems.find((p) => p.line === 0);
    return `${whole ? whole.message : `${file} has no checksum entries`}: nothing to check ${assetName} against`;
  }
  const loose = (name: string) => name.toLowerCase().replace(/[\s_.-]+/g, '');
  const near = checksums.entries.find((e) => loose(e.name) === loose(assetName));
  const hint = near ? `; ${file}:${near.line} lists ${JSON.stringify(near.name)}, which differs only in spaces or separators` : '';
  return `${file} has no entry for ${assetName}${hint}`;
}

/** The hex of a `sha256:<hex>` digest; null when absent or of another algorithm. */
export function githubSha256(digest: string | null | undefined): string | null {
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(digest ?? '');
  return m ? m[1]!.toLowerCase() : null;
}
