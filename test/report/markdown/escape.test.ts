import { describe, expect, it } from 'vitest';
import { codeIfHex, escapeInline, fencedBlock, safeLink } from '../../../src/report/markdown/escape.ts';
import { HOSTILE } from '../sample-report.ts';

describe('escapeInline', () => {
  it('leaves no Markdown or HTML syntax and stays on one line', () => {
    const out = escapeInline(HOSTILE);
    expect(out).not.toMatch(/[|<>`*_[\]~\n]/);
    expect(out).not.toContain('<!--');
    expect(out).not.toContain('-->');
    expect(out).not.toMatch(/@(everyone|octocat)/);
    expect(out).not.toMatch(/(?<!&)#\d/); // entities like &#124; are ours
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('&#124;');
  });

  it('keeps ordinary words readable', () => {
    expect(escapeInline('host unreachable: timed out after 30 s')).toBe('host unreachable: timed out after 30 s');
  });
});

describe('fencedBlock', () => {
  it('uses a fence longer than any backtick run in the content', () => {
    const block = fencedBlock('a ```` b\n`````\nc');
    const fence = block.split('\n')[0]!.replace('text', '');
    expect(fence).toBe('``````');
    expect(block.endsWith(`\n${fence}`)).toBe(true);
  });

  it('uses three backticks for plain text', () => {
    expect(fencedBlock('hello\n')).toBe('```text\nhello\n```');
  });

  it('breaks comment markers inside the fence', () => {
    const block = fencedBlock('<!-- smoke-test:end -->\n-->');
    expect(block).not.toContain('<!--');
    expect(block).not.toContain('-->');
  });
});

describe('codeIfHex and safeLink', () => {
  it('shows a digest in code only when it is hex', () => {
    expect(codeIfHex('abcdef0123', 6)).toBe('`abcdef`');
    expect(codeIfHex('`rm -rf`')).toBe('&#96;rm -rf&#96;');
  });

  it('links only plain http(s) URLs', () => {
    expect(safeLink('run', 'https://github.com/o/r/actions/runs/1')).toBe('[run](https://github.com/o/r/actions/runs/1)');
    expect(safeLink('run', 'javascript:alert(1)')).toBe('javascript:alert(1)');
    expect(safeLink('run', 'https://x/)[y](z')).not.toContain('](');
  });
});
