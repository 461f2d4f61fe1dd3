import { describe, expect, it } from 'vitest';
import { checkResult } from '../../src/domain/verdict.ts';
import { matrixTable } from '../../src/report/matrix-table.ts';
import { platform, sampleReport } from './sample-report.ts';

describe('matrixTable', () => {
  it('shows a row per platform, a column per check and why a platform did not pass', () => {
    expect(matrixTable(sampleReport())).toBe(
      [
        'platform      verdict  asset  checksum  archive  upload  version  boot  why',
        'linux/amd64   pass     pass   pass      pass     pass    pass     pass',
        'darwin/arm64  FAIL     pass   pass      pass     pass    pass     FAIL  boot: embedded embed/vmlinuz is empty (placeholder only)',
        '',
      ].join('\n'),
    );
  });

  it('keeps a host\'s escapes and entities off the screen', () => {
    // The columns come from the run's plan: the checks after the errored one never ran.
    const plan = ['asset', 'checksum', 'archive', 'upload', 'version', 'boot'];
    const platforms = [platform('linux/amd64', { verdict: 'error', checks: [checkResult('asset', 'error', 'bad \x1b[31mred\x1b[0m\nline _x_')] })];
    const text = matrixTable({ platforms, plan });
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('&#');
    expect(text).toContain('asset: bad [31mred[0m line _x_'); // inert without ESC, on one line
    expect(text.split('\n')[0]).toBe('platform     verdict  asset  checksum  archive  upload  version  boot  why');
    expect(text.split('\n')[1]).toMatch(/^linux\/amd64 +ERROR +ERROR +– +– +– +– +– +asset: /); // checks that never ran
  });
});
