import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../../src/domain/exec-result.ts';
import { splitRunThenSweep } from '../../src/shells/shell.ts';

const result = (stdout: string, exitCode: number | null = 0): ExecResult => ({ exitCode, signal: null, stdout, stderr: 'its stderr\n', timedOut: false, truncated: false });

describe('splitRunThenSweep', () => {
  it("gives the command its output and the code on the marker line, and the sweep what follows with the exec's status", () => {
    const split = splitRunThenSweep(result('ephemerd version v1\n\nm0a 3\r\nswept 12 sleep 9\n', 1), 'm0a');
    expect(split).toEqual({
      run: { exitCode: 3, signal: null, stdout: 'ephemerd version v1\n', stderr: 'its stderr\n', timedOut: false, truncated: false },
      sweep: { stdout: 'swept 12 sleep 9\n', exitCode: 1 },
    });
  });

  it('takes the last marker line: what the command printed before it stays the command’s', () => {
    const split = splitRunThenSweep(result('\nm0a 0\nfake\n\nm0a 124\n'), 'm0a');
    expect(split?.run).toMatchObject({ exitCode: 124, stdout: '\nm0a 0\nfake\n' });
    expect(split?.sweep.stdout).toBe('');
  });

  it('is undefined without a whole marker line: the command did not end inside the exec', () => {
    expect(splitRunThenSweep(result('ephemerd version v1\n'), 'm0a')).toBeUndefined();
    expect(splitRunThenSweep(result('out\nm0a 3'), 'm0a')).toBeUndefined();
    expect(splitRunThenSweep(result('out\nm0a x\n'), 'm0a')).toBeUndefined();
    expect(splitRunThenSweep(result('out\nm0b 0\n'), 'm0a')).toBeUndefined();
  });
});
