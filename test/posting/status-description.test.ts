import { describe, expect, it } from 'vitest';
import { checkResult } from '../../src/domain/verdict.ts';
import { MAX_STATUS_DESCRIPTION, commitState, runningDescription, statusDescription } from '../../src/posting/status-description.ts';
import { passingChecks, platform } from '../report/sample-report.ts';

const ALL = ['linux/amd64', 'linux/arm64', 'windows/amd64', 'darwin/arm64'];
const failing = (id: string, check: string) =>
  platform(id, { verdict: 'fail', checks: [...passingChecks().slice(0, 3), checkResult(check, 'fail', `${check} broke`)] });
const erroring = (id: string, detail: string) =>
  platform(id, { verdict: 'error', checks: [checkResult('upload', 'error', detail), checkResult('version', 'skipped', 'skipped: upload errored')] });

describe('statusDescription', () => {
  it('counts passes', () => {
    expect(statusDescription(ALL.map((id) => platform(id)), ALL)).toBe('4/4 platforms passed');
  });

  it('names the one failed platform and check', () => {
    expect(statusDescription([platform('linux/amd64'), failing('darwin/arm64', 'boot')])).toBe('darwin/arm64: boot failed');
  });

  it('lists several failures', () => {
    const out = statusDescription([failing('darwin/arm64', 'boot'), failing('linux/arm64', 'version'), platform('linux/amd64')]);
    expect(out).toBe('2 platforms failed: darwin/arm64 boot, linux/arm64 version');
  });

  it('gives the reason for a single error', () => {
    expect(statusDescription([erroring('linux/amd64', 'host unreachable')])).toBe('linux/amd64: host unreachable (error)');
  });

  it('reports failures before errors, and missing platforms as errors', () => {
    const out = statusDescription([failing('darwin/arm64', 'boot'), platform('linux/amd64')], ['linux/amd64', 'darwin/arm64', 'windows/amd64']);
    expect(out).toBe('1 platform failed: darwin/arm64 boot; 1 errored: windows/amd64 not tested');
    expect(statusDescription([], ['linux/amd64'])).toBe('linux/amd64: not tested (error)');
    expect(statusDescription([])).toBe('no platforms tested (error)');
  });

  it('stays one line under 140 characters whatever a host says', () => {
    const out = statusDescription([erroring('linux/amd64', `line1\nline2\u0000 ${'x'.repeat(500)}`)]);
    expect(out.length).toBeLessThanOrEqual(MAX_STATUS_DESCRIPTION);
    expect(out).not.toMatch(/[\n\u0000]/);
    expect(out.endsWith('…')).toBe(true);
    expect(out.startsWith('linux/amd64: line1 line2 ')).toBe(true);
  });

  it('never splits an emoji when truncating', () => {
    const out = statusDescription([erroring('linux/amd64', '😀'.repeat(100))]);
    expect(out.length).toBeLessThanOrEqual(MAX_STATUS_DESCRIPTION);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('commitState', () => {
  it('maps verdicts to commit status states', () => {
    expect([commitState('pass'), commitState('fail'), commitState('error')]).toEqual(['success', 'failure', 'error']);
    expect(runningDescription(4)).toBe('testing 4 platforms');
  });
});
