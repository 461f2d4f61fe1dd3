import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quotePosix } from '../../src/shells/posix-quote.ts';
import { HOSTILE } from './hostile-strings.ts';

// Each hostile string goes through the real shells as a quoted word and must come back byte for byte.
describe.each(['dash', 'bash'])('quotePosix through %s', (shell) => {
  it.each(HOSTILE.map((s) => [JSON.stringify(s), s]))('passes %s intact', (_label, value) => {
    const out = execFileSync(shell, ['-c', `printf '%s' ${quotePosix(value!)}`], { encoding: 'utf8' });
    expect(out).toBe(value);
  });

  it('keeps several arguments apart', () => {
    const words = HOSTILE.map(quotePosix).join(' ');
    const out = execFileSync(shell, ['-c', `for a in ${words}; do printf '<%s>' "$a"; done`], { encoding: 'utf8' });
    expect(out).toBe(HOSTILE.map((s) => `<${s}>`).join(''));
  });

  it('survives being quoted twice (a script inside sh -c)', () => {
    const inner = `printf '%s' ${quotePosix("$(id) 'x'")}`;
    const out = execFileSync(shell, ['-c', `sh -c ${quotePosix(inner)}`], { encoding: 'utf8' });
    expect(out).toBe("$(id) 'x'");
  });
});

it('refuses a NUL byte instead of cutting the argument short', () => {
  expect(() => quotePosix('a\0b')).toThrow(/NUL/);
});
