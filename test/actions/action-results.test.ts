import { describe, expect, it } from 'vitest';
import { actionResults } from '../../src/actions/action-results.ts';
import type { RunReport } from '../../src/domain/report.ts';
import { checkResult, type PlatformResult, type Verdict } from '../../src/domain/verdict.ts';

function platform(name: string, verdict: Verdict, failAt?: { check: string; detail: string }): PlatformResult {
  const checks = ['asset', 'checksum', 'archive', 'upload', 'version', 'boot'].map((c) => {
    if (!failAt) return checkResult(c, 'pass', 'ok');
    const order = ['asset', 'checksum', 'archive', 'upload', 'version', 'boot'];
    const at = order.indexOf(failAt.check);
    const i = order.indexOf(c);
    return i < at ? checkResult(c, 'pass', 'ok') : i === at ? checkResult(c, verdict === 'fail' ? 'fail' : 'error', failAt.detail) : checkResult(c, 'skipped', 'an earlier check did not pass');
  });
  return { platform: name, host: `host-${name.replace('/', '-')}`, asset: null, sha256: null, verdict, checks };
}

function report(tag: string, platforms: PlatformResult[], extra: Partial<RunReport> = {}): RunReport {
  const verdict: Verdict = platforms.some((p) => p.verdict === 'fail') ? 'fail' : platforms.some((p) => p.verdict === 'error') ? 'error' : 'pass';
  return {
    schema: 1, runId: `run-${tag}`, tag, repo: 'o/r', releaseId: 1, commit: null, verdict,
    startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z', checksumsSha256: null,
    assetDigests: {}, platforms, insecureHosts: [], ...extra,
  };
}

describe('what the action says about a run', () => {
  it('a watch pass over two drafts: the worst verdict per platform, an error per bad platform naming its first bad check', () => {
    const results = actionResults({
      reports: [
        report('v1.0.0', [platform('linux/amd64', 'pass'), platform('darwin/arm64', 'error', { check: 'upload', detail: 'host mac: connection refused' })]),
        report('v1.1.0', [platform('linux/amd64', 'fail', { check: 'version', detail: 'printed "ephemerd version dev"' }), platform('darwin/arm64', 'pass')]),
      ],
      exitCode: 1,
      messages: [],
      artifactName: 'smoke-watch',
    });
    expect(results.verdict).toBe('fail');
    expect(results.platforms).toEqual([['linux/amd64', 'fail'], ['darwin/arm64', 'error']]);
    expect(results.annotations).toEqual([
      { level: 'error', title: 'smoke v1.0.0 darwin/arm64: error', message: 'darwin/arm64 errored at upload: host mac: connection refused (host host-darwin-arm64)' },
      { level: 'error', title: 'smoke v1.1.0 linux/amd64: fail', message: 'linux/amd64 failed at version: printed "ephemerd version dev" (host host-linux-amd64)' },
    ]);
    expect(results.summary).toContain('- smoke v1.1.0 linux/amd64: fail: linux/amd64 failed at version: printed "ephemerd version dev"');
  });

  it('a stale result is an error even where every platform passed, and never a notice', () => {
    const results = actionResults({ reports: [report('v1.0.0', [platform('linux/amd64', 'pass')], { verdict: 'error', stale: ['a.tar.gz'] })], exitCode: 3, messages: [], artifactName: 'x' });
    expect(results.verdict).toBe('error');
    expect(results.annotations).toEqual([{ level: 'error', title: 'smoke v1.0.0: error', message: 'assets changed during the run: a.tar.gz' }]);
  });

  it('every platform in it passed, yet the run did not (a merge missing a shard): an error, never a notice', () => {
    const results = actionResults({ reports: [report('v1.0.0', [platform('linux/amd64', 'pass')], { verdict: 'error' })], exitCode: 3, messages: [], artifactName: 'x' });
    expect(results.verdict).toBe('error');
    expect(results.annotations).toEqual([{ level: 'error', title: 'smoke v1.0.0: error', message: 'not every expected platform has a result; tested: linux/amd64' }]);
  });

  it('no report: smoke\'s own lines are the annotation; a non-zero exit is never a pass', () => {
    const busy = actionResults({ reports: [], exitCode: 3, messages: ['another smoke run is testing v1 (run r since t); nothing was tested'], artifactName: 'x' });
    expect(busy.verdict).toBe('error');
    expect(busy.annotations).toEqual([{ level: 'error', title: 'smoke: error', message: 'another smoke run is testing v1 (run r since t); nothing was tested' }]);
    const usage = actionResults({ reports: [], exitCode: 2, messages: [], artifactName: 'x' });
    expect(usage).toMatchObject({ verdict: 'error', annotations: [{ level: 'error', message: 'smoke exited 2 without a report' }] });
  });

  it('escapes what a host or a release said before it reaches the step summary', () => {
    const results = actionResults({
      reports: [report('v1.0.0', [platform('linux/amd64', 'fail', { check: 'boot', detail: '<script>x</script> | @everyone\n# heading' })])],
      exitCode: 1,
      messages: [],
      artifactName: 'x',
    });
    expect(results.summary).not.toContain('<script>');
    expect(results.summary).not.toContain('\n# heading');
    expect(results.summary).toContain('&lt;script&gt;');
  });
});
