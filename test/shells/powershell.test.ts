import { describe, expect, it } from 'vitest';
import { powerShell as ps, quotePowerShell, readInBandExit } from '../../src/shells/powershell.ts';
import { HOSTILE } from './hostile-strings.ts';
import { POWERSHELL_COMMANDS } from './powershell-scripts.ts';

/*
 * What can be checked without a PowerShell: the quoting rules (a reference reader of
 * single-quoted literals below), that nothing but base64 reaches cmd.exe, and reading the in-band
 * exit status. The scripts themselves run in a real PowerShell (test/shells/powershell-on-host.test.ts,
 * test/probes/probes-on-powershell-host.test.ts) and are parsed as Windows PowerShell 5.1 syntax
 * (powershell-parse.test.ts).
 */
describe('PowerShell commands as they travel', () => {
  it.each(Object.keys(POWERSHELL_COMMANDS))('%s reaches cmd.exe as base64 only', (name) => {
    // cmd.exe sees only this: no quote, no %, no &, nothing it would interpret.
    expect(POWERSHELL_COMMANDS[name]).toMatch(/^powershell -NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/]+=*$/);
  });
});

describe('readInBandExit', () => {
  const result = (stdout: string, exitCode: number | null) => ({ exitCode, signal: null, stdout, stderr: '', timedOut: false, truncated: false });

  it('takes the exit code from the last line and gives back stdout as the command wrote it', () => {
    expect(readInBandExit(result('ephemerd version v1\n\n#smoke-exit 3\n', 0))).toMatchObject({ exitCode: 3, stdout: 'ephemerd version v1\n' });
    expect(readInBandExit(result('no newline\r\n#smoke-exit 0\r\n', 1))).toMatchObject({ exitCode: 0, stdout: 'no newline\r' });
  });

  it('keeps the SSH exit status when the command did not get to report one', () => {
    expect(readInBandExit(result('#smoke-exit 0\nmore after it\n', 5))).toMatchObject({ exitCode: 5 });
    expect(readInBandExit(result('', 1))).toMatchObject({ exitCode: 1, stdout: '' });
  });
});

describe('PowerShell uploads', () => {
  it('has no receiving command: PowerShell 5.1 reads stdin as text, so archives go over SFTP', () => {
    expect(ps.receiveFile('C:/smoke/run/ephemerd.zip', 0o644)).toBeNull();
  });
});

/** Reads one PowerShell single-quoted literal: a doubled quote (any of the four) is one quote. */
function readSingleQuoted(literal: string): string {
  const quotes = "'\u2018\u2019\u201A\u201B";
  expect(quotes.includes(literal[0]!)).toBe(true);
  let out = '';
  for (let i = 1; i < literal.length; i++) {
    const ch = literal[i]!;
    if (quotes.includes(ch)) {
      if (i + 1 < literal.length && quotes.includes(literal[i + 1]!)) {
        out += ch;
        i++;
        continue;
      }
      expect(i).toBe(literal.length - 1); // the literal must end exactly here
      return out;
    }
    out += ch;
  }
  throw new Error('unterminated literal');
}

describe('quotePowerShell', () => {
  it.each(HOSTILE.map((s) => [JSON.stringify(s), s]))('round-trips %s', (_label, value) => {
    expect(readSingleQuoted(quotePowerShell(value!))).toBe(value);
  });

  it('doubles the typographic quotes PowerShell also ends strings at', () => {
    expect(quotePowerShell('a’b')).toBe("'a’’b'");
  });

  it('refuses a NUL byte', () => {
    expect(() => quotePowerShell('a\0b')).toThrow(/NUL/);
  });
});
