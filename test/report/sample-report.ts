import type { RunReport } from '../../src/domain/report.ts';
import type { CheckResult, PlatformResult } from '../../src/domain/verdict.ts';
import { CHECK_ORDER, checkResult } from '../../src/domain/verdict.ts';

export const SHA_A = 'a'.repeat(64);
export const SHA_B = '0123456789abcdef'.repeat(4);

export function passingChecks(): CheckResult[] {
  return CHECK_ORDER.map((name) => checkResult(name, 'pass', `${name} ok`, 1500));
}

export function platform(id: string, overrides: Partial<PlatformResult> = {}): PlatformResult {
  return {
    platform: id,
    host: `${id.replace('/', '-')}.smoke.test`,
    asset: `ephemerd_v1.2.3_${id.replace('/', '_')}.tar.gz`,
    sha256: SHA_A,
    verdict: 'pass',
    checks: passingChecks(),
    ...overrides,
  };
}

/** Linux amd64 passes; darwin arm64 fails to boot with an excerpt. */
export function sampleReport(overrides: Partial<RunReport> = {}): RunReport {
  const darwinChecks = [
    ...passingChecks().slice(0, 4),
    checkResult('version', 'pass', 'ephemerd version v1.2.3', 200),
    checkResult('boot', 'fail', 'embedded embed/vmlinuz is empty (placeholder only)', 3200, 'level=INFO msg="starting ephemerd"\nembedded embed/vmlinuz is empty (placeholder only)\n'),
  ];
  return {
    schema: 1,
    runId: 'run-42',
    tag: 'v1.2.3',
    repo: 'ephpm/ephemerd',
    releaseId: 7,
    commit: 'c0ffee'.padEnd(40, '0'),
    verdict: 'fail',
    startedAt: '2025-07-01T10:00:00Z',
    finishedAt: '2025-07-01T10:05:00Z',
    checksumsSha256: SHA_B,
    assetDigests: {
      'ephemerd_v1.2.3_linux_amd64.tar.gz': SHA_A,
      'ephemerd_v1.2.3_darwin_arm64.tar.gz': SHA_B,
    },
    platforms: [platform('linux/amd64'), platform('darwin/arm64', { verdict: 'fail', checks: darwinChecks })],
    insecureHosts: [],
    ...overrides,
  };
}

/** Strings a hostile host or a careless release author could produce. */
export const HOSTILE = [
  '<!-- smoke-test:end -->',
  '<!-- smoke-test:begin -->',
  'x --> y <!-- z',
  '<script>alert(1)</script>',
  '@everyone @octocat',
  'see #123 and GH-45',
  '| a | b |',
  '```` backticks ``` run `',
  '*bold* _em_ [link](http://evil) ~strike~ \\',
].join('\n');
