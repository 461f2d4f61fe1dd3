import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findPwsh } from '../../src/sandbox/powershell-host.ts';
import { powerShellScripts, type PowerShellScript } from './powershell-scripts.ts';

/*
 * Windows hosts run Windows PowerShell 5.1, which rejects syntax PowerShell 7 accepts. Every
 * script the dialect builds is parsed by PowerShell's own parser; a parse error, 7-only syntax
 * or an exit that bypasses the in-band exit status fails.
 */
const CHECKER = join(dirname(fileURLToPath(import.meta.url)), 'parse-windows-powershell.ps1');
const work = mkdtempSync(join(tmpdir(), 'smoke-ps-parse-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function problemsOf(scripts: PowerShellScript[]): Record<string, string[]> {
  const input = join(work, `scripts-${scripts.length}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(input, JSON.stringify(scripts));
  const out = execFileSync(findPwsh(), ['-NoProfile', '-NonInteractive', '-File', CHECKER, input], { encoding: 'utf8' });
  const results = JSON.parse(out) as { name: string; problems: string[] }[];
  return Object.fromEntries(results.map((r) => [r.name, r.problems]));
}

describe('every generated PowerShell script parses as Windows PowerShell 5.1 syntax', () => {
  it('has no parse error, no PowerShell 7-only syntax and no bare exit', () => {
    const scripts = powerShellScripts();
    expect(scripts.some((s) => !s.reportsExit), 'the custom probe nests a script').toBe(true);
    const problems = problemsOf(scripts);
    expect(Object.keys(problems).sort()).toEqual(scripts.map((s) => s.name).sort());
    expect(Object.entries(problems).filter(([, p]) => p.length > 0)).toEqual([]);
  });

  it('catches each construct that Windows PowerShell 5.1 rejects, and parse errors', () => {
    const samples: Record<string, string> = {
      'and-and': 'Get-Item a && Get-Item b',
      'or-or': 'Get-Item a || Get-Item b',
      coalesce: '$a = $b ?? 1',
      'coalesce-assign': '$a ??= 1',
      'null-member': '$a = ${b}?.Length',
      'null-index': '$a = ${b}?[0]',
      ternary: '$a = $b ? 1 : 2',
      parallel: '1..3 | ForEach-Object -Parallel { $_ }',
      'parallel-short': '1..3 | % -Pa { $_ }',
      clean: 'function F { process { 1 } clean { 2 } }',
      'parse-error': 'if ($a { 1 }',
      'bare-exit': '$x = 1\nexit 3',
    };
    const problems = problemsOf(Object.entries(samples).map(([name, text]) => ({ name, text, reportsExit: true })));
    for (const name of Object.keys(samples)) expect(problems[name], name).not.toEqual([]);
    expect(problems['bare-exit']).toEqual(['bare exit at line 2: exit 3']);
    const fine = problemsOf([{ name: 'fine', text: 'function Exit-Smoke([int]$Code) { exit $Code }\n$a = if ($b) { 1 } else { 2 }\nWhere-Object { $_ } | ForEach-Object { $_ }\nExit-Smoke 0', reportsExit: true }]);
    expect(fine).toEqual({ fine: [] });
  });
});
