import { expect, it } from 'vitest';
import { windowsCommandLine } from '../../src/shells/windows-command-line.ts';
import { HOSTILE } from './hostile-strings.ts';

/** CommandLineToArgvW's splitting rules (the MSVC runtime's since 2008), as a reference parser. */
function splitWindows(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    for (; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === '\\') {
        let n = 0;
        while (line[i] === '\\') { n++; i++; }
        if (line[i] === '"') {
          arg += '\\'.repeat(Math.floor(n / 2));
          if (n % 2 === 1) arg += '"';
          else { i--; }
          if (n % 2 === 1) continue;
          continue;
        }
        arg += '\\'.repeat(n);
        i--;
        continue;
      }
      if (ch === '"') {
        if (quoted && line[i + 1] === '"') { arg += '"'; i++; continue; }
        quoted = !quoted;
        continue;
      }
      if (!quoted && (ch === ' ' || ch === '\t')) break;
      arg += ch;
    }
    args.push(arg);
  }
  return args;
}

it('builds a command line that Windows splits back into the same arguments', () => {
  expect(splitWindows(windowsCommandLine(HOSTILE))).toEqual(HOSTILE);
});

it('leaves plain arguments bare', () => {
  expect(windowsCommandLine(['serve', '--data-dir', 'C:\\smoke\\data'])).toBe('serve --data-dir C:\\smoke\\data');
  expect(windowsCommandLine(['C:\\a b\\', 'x"y'])).toBe('"C:\\a b\\\\" "x\\"y"');
});
