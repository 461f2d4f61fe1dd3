import { describe, expect, it } from 'vitest';
import { signalHint } from '../../src/probes/version.ts';

describe('signalHint: a POSIX shell reports death by signal N as 128 + N', () => {
  it('names the likely signal on POSIX hosts only, and nothing for ordinary exit codes', () => {
    expect(signalHint(137, { kind: 'posix' })).toBe(' (likely killed by SIGKILL)');
    expect(signalHint(139, { kind: 'posix' })).toBe(' (likely killed by SIGSEGV)');
    expect(signalHint(143, { kind: 'posix' })).toBe(' (likely killed by SIGTERM)');
    // Windows exit codes above 128 are the program's own.
    expect(signalHint(137, { kind: 'powershell' })).toBe('');
    expect(signalHint(1, { kind: 'posix' })).toBe('');
    expect(signalHint(128, { kind: 'posix' })).toBe('');
    expect(signalHint(null, { kind: 'posix' })).toBe('');
  });
});
