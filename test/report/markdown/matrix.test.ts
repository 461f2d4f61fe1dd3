import { describe, expect, it } from 'vitest';
import { checkResult } from '../../../src/domain/verdict.ts';
import { renderMatrix } from '../../../src/report/markdown/matrix.ts';
import { passingChecks, platform } from '../sample-report.ts';

function rows(table: string): string[][] {
  return table.split('\n').map((line) => line.slice(2, -2).split(' | '));
}

describe('renderMatrix', () => {
  it('has platforms as rows and checks as columns in run order, then extra probes in first-seen order', () => {
    const a = platform('linux/amd64', { checks: [...passingChecks(), checkResult('zeta', 'pass', 'ok')] });
    const b = platform('linux/arm64', {
      verdict: 'fail',
      checks: [checkResult('asset', 'pass', 'ok'), checkResult('alpha', 'fail', 'bad'), checkResult('zeta', 'skipped', 'x')],
    });
    const [header, , first, second] = rows(renderMatrix([a, b]));
    expect(header).toEqual(['Platform', 'Host', 'Verdict', 'asset', 'checksum', 'archive', 'upload', 'version', 'boot', 'zeta', 'alpha']);
    expect(first?.slice(0, 3)).toEqual(['linux/amd64', 'linux-amd64.smoke.test', '✅ pass']);
    expect(second).toEqual(['linux/arm64', 'linux-arm64.smoke.test', '❌ fail', '✅ pass', '–', '–', '–', '–', '–', '⏭️ skipped', '❌ fail']);
  });

  it('shows errors, missing platforms and unverified host keys', () => {
    const p = platform('windows/amd64', {
      verdict: 'error',
      insecureHostKey: true,
      checks: [checkResult('upload', 'error', 'unreachable')],
    });
    const table = renderMatrix([p], { missing: ['darwin/arm64'] });
    expect(table).toContain('⚠️ error');
    expect(table).toContain('unverified host key');
    expect(rows(table)[3]?.slice(0, 3)).toEqual(['darwin/arm64', '–', '⚠️ error (not tested)']);
  });

  it('keeps one cell per column when names carry pipes and newlines', () => {
    const p = platform('linux/amd64', { host: 'evil | host\n| x |', checks: [checkResult('a|b', 'pass', 'ok')] });
    const table = renderMatrix([p]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    const columnCount = (line: string): number => line.split(' | ').length;
    expect(columnCount(lines[2]!)).toBe(columnCount(lines[0]!));
  });
});
