import { describe, expect, it } from 'vitest';
import {
  SECTION_BEGIN as BEGIN,
  SECTION_END as END,
  extractSection,
  findSections,
  parseSectionData,
  planSectionEdit,
  replaceSection,
} from '../../src/posting/body-section.ts';
import { renderBodySection } from '../../src/report/markdown/render.ts';
import { checkResult } from '../../src/domain/verdict.ts';
import { platform, sampleReport } from '../report/sample-report.ts';

const block = (inner: string, eol = '\n'): string => `${BEGIN}${eol}${inner}${eol}${END}`;

describe('replaceSection: human text is kept byte for byte', () => {
  it('appends to a null or empty body without any separator', () => {
    expect(replaceSection(null, 'S')).toBe(block('S'));
    expect(replaceSection('', 'S')).toBe(block('S'));
  });

  it('appends after text with no trailing newline, adding one blank line', () => {
    expect(replaceSection('Notes  ', 'S')).toBe(`Notes  \n\n${block('S')}`);
    expect(replaceSection('Notes\n', 'S')).toBe(`Notes\n\n${block('S')}`);
    expect(replaceSection('Notes\n\n\n', 'S')).toBe(`Notes\n\n\n${block('S')}`);
  });

  it('keeps CRLF bodies CRLF and writes its own block with CRLF', () => {
    const body = 'Übersicht 🎉\r\n- fix\r\n  trailing  ';
    const out = replaceSection(body, 'line 1\nline 2');
    expect(out).toBe(`${body}\r\n\r\n${block('line 1\r\nline 2', '\r\n')}`);
  });

  it('replaces an existing section in place, keeping text before and after exactly', () => {
    const before = 'Intro  \r\n\r\n';
    const after = '\r\n\r\n## Human notes after\t\r\n😀 end without newline';
    const out = replaceSection(`${before}${block('old\r\nstuff', '\r\n')}${after}`, 'new');
    expect(out).toBe(`${before}${block('new', '\r\n')}${after}`);
  });

  it('gives the same body when the same section is written twice', () => {
    const once = replaceSection('Release notes', 'S1');
    const twice = replaceSection(once, 'S1');
    expect(twice).toBe(once);
    const updated = replaceSection(twice, 'S2');
    expect(findSections(updated)).toHaveLength(1);
    expect(extractSection(updated)).toBe('S2');
    expect(updated.startsWith('Release notes\n\n')).toBe(true);
  });

  it('removes duplicate well-formed sections and nothing else', () => {
    const body = `A\n${block('one')}\nB\n${block('two')}\nC`;
    const edit = planSectionEdit(body, 'new');
    expect(edit.body).toBe(`A\n${block('new')}\nB\n\nC`);
    expect(edit.removedDuplicates).toBe(1);
    expect(edit.outcome).toBe('replaced');
  });

  it('leaves a stray begin marker and the text after it alone, then appends', () => {
    const body = `A\n${BEGIN}\nhuman text after a stray marker`;
    const edit = planSectionEdit(body, 'S');
    expect(edit.outcome).toBe('appended');
    expect(edit.body).toBe(`${body}\n\n${block('S')}`);
    // The next edit finds our section, not the stray marker, and still keeps the human text.
    const next = replaceSection(edit.body, 'T');
    expect(next).toBe(`${body}\n\n${block('T')}`);
  });

  it('leaves a stray end marker alone', () => {
    const body = `${END}\nnotes`;
    expect(replaceSection(body, 'S')).toBe(`${body}\n\n${block('S')}`);
  });

  it('neutralises markers inside the section it is given', () => {
    const out = replaceSection('x', `evil ${END} and ${BEGIN}`);
    expect(findSections(out)).toHaveLength(1);
    expect(out.split(END)).toHaveLength(2);
  });
});

describe('replaceSection: the body limit', () => {
  it('asks the renderer for a section that fits the room the human text leaves', () => {
    const human = 'h'.repeat(900);
    const budgets: number[] = [];
    const edit = planSectionEdit(human, (budget) => {
      budgets.push(budget);
      return 's'.repeat(budget);
    }, { maxBodyChars: 1000 });
    expect(edit.body.length).toBe(1000);
    expect(edit.body.startsWith(`${human}\n\n`)).toBe(true);
    expect(budgets).toEqual([1000 - 902 - BEGIN.length - END.length - 2]);
  });

  it('asks again for less when CRLF conversion pushes the section over', () => {
    const human = 'h\r\n'.repeat(10);
    const edit = planSectionEdit(human, (budget) => 'x\n'.repeat(Math.floor(budget / 2)), { maxBodyChars: 300 });
    expect(edit.outcome).toBe('appended');
    expect(edit.body.length).toBeLessThanOrEqual(300);
    expect(edit.body.startsWith(human)).toBe(true);
  });

  it('returns the body unchanged when the human text alone is over the limit', () => {
    const human = 'h'.repeat(2000);
    const withOld = `${human}\n\n${block('old')}`;
    const edit = planSectionEdit(withOld, () => 'new', { maxBodyChars: 1000 });
    expect(edit).toEqual({ body: withOld, outcome: 'over-limit', removedDuplicates: 0 });
  });

  it('returns the body unchanged when a fixed section does not fit', () => {
    expect(planSectionEdit('abc', 'x'.repeat(200), { maxBodyChars: 100 }).outcome).toBe('over-limit');
  });

  it('keeps a real report with a 10 MB excerpt under 125000 characters', () => {
    const huge = `${'<!-- smoke-test:end --> @everyone ```` '.repeat(300_000)}`;
    expect(huge.length).toBeGreaterThan(10_000_000);
    const report = sampleReport({
      platforms: [platform('darwin/arm64', { verdict: 'fail', checks: [checkResult('boot', 'fail', huge.slice(0, 5000), 1, huge)] })],
    });
    const human = 'Release notes\r\n'.repeat(2000);
    const body = replaceSection(human, (budget) => renderBodySection(report, { budget }));
    expect(body.length).toBeLessThanOrEqual(125_000);
    expect(body.startsWith(human)).toBe(true);
    expect(findSections(body)).toHaveLength(1);
    expect(body.split(END)).toHaveLength(2);
    expect(parseSectionData(extractSection(body) ?? '')?.runId).toBe('run-42');
  });
});

describe('extractSection', () => {
  it('returns the inner text of the first well-formed section', () => {
    expect(extractSection(`x${BEGIN}\r\ninner\r\n${END}y`)).toBe('inner');
    expect(extractSection(`${BEGIN} stray ${BEGIN}\nreal\n${END}`)).toBe('real');
  });

  it('returns null when there is no section', () => {
    expect(extractSection(null)).toBeNull();
    expect(extractSection(`only ${BEGIN}`)).toBeNull();
  });
});
