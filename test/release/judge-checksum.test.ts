import { describe, expect, it } from 'vitest';
import { githubSha256, judgeChecksum } from '../../src/release/judge-checksum.ts';
import { parseChecksums } from '../../src/release/parse-checksums.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const NAME = 'ephemerd_v1.2.3_linux_amd64.tar.gz';

describe('judgeChecksum', () => {
  const sums = parseChecksums(`${A}  ${NAME}\n`);

  it('passes when the bytes, checksums.txt and GitHub agree', () => {
    const r = judgeChecksum({ assetName: NAME, downloaded: A, githubDigest: `sha256:${A.toUpperCase()}`, checksums: sums });
    expect(r).toMatchObject({ name: 'checksum', status: 'pass', detail: `sha256 ${A} matches checksums.txt:1 and GitHub's digest` });
  });

  it('passes without GitHub digest, and says so', () => {
    const r = judgeChecksum({ assetName: NAME, downloaded: A, githubDigest: null, checksums: sums });
    expect(r.status).toBe('pass');
    expect(r.detail).toContain('GitHub has no digest');
  });

  it('fails with both digests when the bytes differ', () => {
    const r = judgeChecksum({ assetName: NAME, downloaded: B, githubDigest: null, checksums: sums });
    expect(r).toMatchObject({ status: 'fail', detail: `sha256 of ${NAME} as downloaded is ${B}, but checksums.txt:1 says ${A}` });
  });

  it('fails when checksums.txt and GitHub disagree', () => {
    const r = judgeChecksum({ assetName: NAME, downloaded: B, githubDigest: `sha256:${B}`, checksums: sums });
    expect(r.status).toBe('fail');
    expect(r.detail).toContain(`checksums.txt says ${A}, GitHub's digest is ${B}`);
  });

  it('fails on a missing entry and on conflicting duplicate entries', () => {
    expect(judgeChecksum({ assetName: 'other.zip', downloaded: A, githubDigest: null, checksums: sums }).detail).toBe(
      'checksums.txt has no entry for other.zip',
    );
    const dup = parseChecksums(`${A}  ${NAME}\n${B}  ${NAME}\n`);
    const r = judgeChecksum({ assetName: NAME, downloaded: A, githubDigest: null, checksums: dup });
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/^checksums\.txt:2: ".*" listed again with a different digest/);
  });
});

describe('githubSha256', () => {
  it('reads sha256 digests only', () => {
    expect(githubSha256(`sha256:${A}`)).toBe(A);
    expect(githubSha256(null)).toBeNull();
    expect(githubSha256(`sha512:${A}${A}`)).toBeNull();
    expect(githubSha256('sha256:abc')).toBeNull();
  });
});
