import { describe, expect, it } from 'vitest';
import { CHECK_ORDER, checkResult } from '../../src/domain/verdict.ts';
import { checksAfter, missingPlatforms, platformVerdict, runVerdict, skipAfter } from '../../src/domain/verdict-rules.ts';
import { passingChecks, platform } from '../report/sample-report.ts';

describe('platformVerdict', () => {
  it('passes only when every check passed', () => {
    expect(platformVerdict(passingChecks())).toBe('pass');
  });

  it('fails when any check failed, even beside errors', () => {
    const checks = [checkResult('upload', 'error', 'timeout'), checkResult('boot', 'fail', 'empty kernel')];
    expect(platformVerdict(checks)).toBe('fail');
  });

  it('is an error when a check errored or was skipped, or when there are no checks', () => {
    expect(platformVerdict([...passingChecks(), checkResult('extra', 'error', 'x')])).toBe('error');
    expect(platformVerdict([checkResult('boot', 'skipped', 'disabled')])).toBe('error');
    expect(platformVerdict([...passingChecks(), checkResult('boot', 'skipped', 'x')])).toBe('error');
    expect(platformVerdict([])).toBe('error');
  });
});

describe('runVerdict', () => {
  const expected = ['linux/amd64', 'darwin/arm64'];

  it('passes when every expected platform passed', () => {
    expect(runVerdict([platform('linux/amd64'), platform('darwin/arm64')], expected)).toBe('pass');
  });

  it('is an error when an expected platform is missing', () => {
    expect(runVerdict([platform('linux/amd64')], expected)).toBe('error');
    expect(missingPlatforms([platform('linux/amd64')], expected)).toEqual(['darwin/arm64']);
  });

  it('fails when any platform failed, even with one missing', () => {
    expect(runVerdict([platform('linux/amd64', { verdict: 'fail' })], expected)).toBe('fail');
  });

  it('is an error when a platform errored and none failed', () => {
    expect(runVerdict([platform('linux/amd64'), platform('darwin/arm64', { verdict: 'error' })], expected)).toBe('error');
  });

  it('is an error when nothing was expected and nothing ran', () => {
    expect(runVerdict([], [])).toBe('error');
  });

  it('does not let an unexpected extra platform error slip through', () => {
    const platforms = [platform('linux/amd64'), platform('darwin/arm64'), platform('linux/arm64', { verdict: 'error' })];
    expect(runVerdict(platforms, expected)).toBe('error');
  });
});

describe('skipAfter', () => {
  it('skips the remaining checks and says which check stopped them', () => {
    const cause = checkResult('archive', 'fail', 'two entries');
    const skipped = skipAfter(cause, checksAfter('archive', CHECK_ORDER));
    expect(skipped.map((c) => c.name)).toEqual(['upload', 'version', 'boot']);
    expect(skipped.every((c) => c.status === 'skipped' && c.detail === 'skipped: archive failed')).toBe(true);
  });

  it('says "errored" when the cause was an error', () => {
    const [first] = skipAfter(checkResult('upload', 'error', 'host unreachable'), ['version']);
    expect(first?.detail).toBe('skipped: upload errored');
  });

  it('has nothing after the last or an unknown check', () => {
    expect(checksAfter('boot', CHECK_ORDER)).toEqual([]);
    expect(checksAfter('nope', CHECK_ORDER)).toEqual([]);
  });
});
