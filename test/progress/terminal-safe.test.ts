import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../src/progress/terminal-safe.ts';

describe('terminalSafe', () => {
  it.each([
    ['a window title (OSC, BEL)', '\u001b]0;TITLE\u0007after', 'after'],
    ['a window title ended by ST', '\u001b]2;x\u001b\\after', 'after'],
    ['an OSC 8 link', '\u001b]8;;https://x\u0007text\u001b]8;;\u0007', 'text'],
    ['erase, CR, cursor up', '\u001b[2K\r\u001b[1Afake', 'fake'],
    ['colours with parameters', '\u001b[1;31mred\u001b[0m', 'red'],
    ['8-bit CSI and OSC', '\u009b2Ka\u009d0;t\u009cb', 'ab'],
    ['a lone ESC and an ESC pair', 'a\u001bcb\u001b', 'ab'],
    ['backspace, bell, DEL, NUL', 'a\bb\u0007c\u007fd\u0000e', 'abcde'],
    ['bidirectional overrides', 'a\u202eb\u2066c\u2069', 'abc'],
    ['line breaks, shown', 'one\r\ntwo\nthree\u2028four', 'one\\ntwo\\nthree\\nfour'],
  ])('%s', (_label, input, expected) => {
    expect(terminalSafe(input)).toBe(expected);
  });

  it('keeps tabs, quotes and any printable Unicode', () => {
    expect(terminalSafe('a\tb "c" ünï 日本 ✓ …')).toBe('a\tb "c" ünï 日本 ✓ …');
  });
});
