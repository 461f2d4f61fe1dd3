import { describe, expect, it } from 'vitest';
import {
  inertText,
  keepTail,
  neutraliseCommentMarkers,
  neutraliseIssueRefs,
  neutraliseMentions,
  stripControlChars,
  truncateEnd,
} from '../../src/domain/text-safety.ts';

describe('neutralising untrusted text', () => {
  it('breaks @mentions but keeps e-mail-like text readable', () => {
    const out = neutraliseMentions('@everyone @octocat a@b');
    expect(out).not.toMatch(/@[A-Za-z]/);
    expect(out.replace(/\u200B/g, '')).toBe('@everyone @octocat a@b');
  });

  it('breaks #123 and GH-45 issue references', () => {
    const out = neutraliseIssueRefs('fixes #123, GH-45, gh-6 and #tag');
    expect(out).not.toMatch(/#\d|GH-\d/i);
    expect(out).toContain('#tag');
  });

  it('leaves no comment opener or closer', () => {
    const out = neutraliseCommentMarkers('<!-- smoke-test:end --> a --> b --!> c ---> d <!---->');
    expect(out).not.toContain('<!--');
    expect(out).not.toContain('-->');
    expect(out).not.toContain('--!>');
  });

  it('drops control characters and normalises line endings', () => {
    expect(stripControlChars('a\r\nb\rc\u0000d\u001be\tf')).toBe('a\nb\ncde\tf');
  });

  it('applies all of them together', () => {
    expect(inertText('@x #1 <!--')).not.toMatch(/@x|#1|<!--/);
  });
});

describe('truncation', () => {
  it('cuts with an ellipsis and never splits a surrogate pair', () => {
    expect(truncateEnd('abcdef', 4)).toBe('abc…');
    const out = truncateEnd('ab😀cd', 4);
    expect(out.length).toBeLessThanOrEqual(4);
    expect(out).toBe('ab…');
    expect(truncateEnd('short', 10)).toBe('short');
  });

  it('keeps the tail of a long log within the limit, noting what was left out', () => {
    const log = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    const out = keepTail(log, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out).toMatch(/^\[… \d+ characters omitted\]\n/);
    expect(out.endsWith('line 999')).toBe(true);
    expect(keepTail('tiny', 200)).toBe('tiny');
  });
});
