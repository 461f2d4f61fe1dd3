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
import { renderSectionData } from '../../src/posting/section-data.ts';
import { checkResult } from '../../src/domain/verdict.ts';
import { platform, sampleReport } from '../report/sample-report.ts';

/** A section as our renderers write it: the data comment first, then what a person reads. */
const section = (text: string, runId = 'run-1'): string =>
  `${renderSectionData({ schema: 1, runId, state: 'done', verdict: 'pass', tag: 'v1.2.3', commit: null, assetDigests: {}, startedAt: 't0', finishedAt: 't1' })}\n${text}`;
const block = (inner: string, eol = '\n'): string => `${BEGIN}${eol}${inner.replace(/\r?\n/g, eol)}${eol}${END}`;
const S = section('S');

describe('replaceSection: human text is kept byte for byte', () => {
  it('appends to a null or empty body without any separator', () => {
    expect(replaceSection(null, S)).toBe(block(S));
    expect(replaceSection('', S)).toBe(block(S));
  });

  it('appends after text with no trailing newline, adding one blank line', () => {
    expect(replaceSection('Notes  ', S)).toBe(`Notes  \n\n${block(S)}`);
    expect(replaceSection('Notes\n', S)).toBe(`Notes\n\n${block(S)}`);
    expect(replaceSection('Notes\n\n\n', S)).toBe(`Notes\n\n\n${block(S)}`);
  });

  it('keeps CRLF bodies CRLF and writes its own block with CRLF', () => {
    const body = 'Übersicht 🎉\r\n- fix\r\n  trailing  ';
    const out = replaceSection(body, section('line 1\nline 2'));
    expect(out).toBe(`${body}\r\n\r\n${block(section('line 1\nline 2'), '\r\n')}`);
  });

  it('replaces an existing section in place, keeping text before and after exactly', () => {
    const before = 'Intro  \r\n\r\n';
    const after = '\r\n\r\n## Human notes after\t\r\n😀 end without newline';
    const out = replaceSection(`${before}${block(section('old\r\nstuff'), '\r\n')}${after}`, section('new', 'run-2'));
    expect(out).toBe(`${before}${block(section('new', 'run-2'), '\r\n')}${after}`);
  });

  it('gives the same body when the same section is written twice', () => {
    const once = replaceSection('Release notes', section('S1'));
    const twice = replaceSection(once, section('S1'));
    expect(twice).toBe(once);
    const updated = replaceSection(twice, section('S2'));
    expect(findSections(updated)).toHaveLength(1);
    expect(extractSection(updated)).toBe(section('S2'));
    expect(updated.startsWith('Release notes\n\n')).toBe(true);
  });

  it('removes duplicate sections of ours and nothing else', () => {
    const body = `A\n\n${block(section('one'))}\nB\n\n${block(section('two'))}\nC`;
    const edit = planSectionEdit(body, section('new'));
    expect(edit.body).toBe(`A\n\n${block(section('new'))}\nB\n\n\nC`);
    expect(edit.removedDuplicates).toBe(1);
    expect(edit.outcome).toBe('replaced');
  });

  it('leaves a stray begin marker of ours (data and no end) and the text after it alone, then appends', () => {
    const body = `A\n\n${BEGIN}\n${section('lost its end')}\n\nhuman text after a stray marker`;
    const edit = planSectionEdit(body, S);
    expect(edit.outcome).toBe('appended');
    expect(edit.body).toBe(`${body}\n\n${block(S)}`);
    // The next edit finds our section, not the stray marker, and still keeps the human text.
    const next = replaceSection(edit.body, section('T'));
    expect(next).toBe(`${body}\n\n${block(section('T'))}`);
  });

  it('leaves a stray end marker alone', () => {
    const body = `${END}\nnotes`;
    expect(replaceSection(body, S)).toBe(`${body}\n\n${block(S)}`);
  });

  it('neutralises markers inside the section it is given', () => {
    const out = replaceSection('x', section(`evil ${END} and ${BEGIN}`));
    expect(findSections(out)).toHaveLength(1);
    expect(out.split(END)).toHaveLength(2);
  });
});

/** A person documenting the tool: our markers, and even a whole section with data, quoted. */
const quoted = block(section('a quoted example', 'quoted'));
const QUOTES: Record<string, string> = {
  'a ``` fence': `Docs:\n\n\`\`\`markdown\n${quoted}\n\`\`\`\n`,
  'a ~~~ fence': `Docs:\n\n~~~\n${quoted}\n~~~\n`,
  'an indented code block': `Docs:\n\n${quoted.split('\n').map((l) => `    ${l}`).join('\n')}\n`,
  'a fence in a list item': `- docs:\n\n  \`\`\`\n${quoted.split('\n').map((l) => `  ${l}`).join('\n')}\n  \`\`\`\n`,
  'inline code': `Write \`${BEGIN}\` and then \`${END}\` around it.\n`,
  'both markers inline in prose': `Between ${BEGIN} and ${END} is ours.\n`,
  'a pair on their own lines without our data': `${BEGIN}\nnot ours\n${END}\n`,
  'an HTML comment around a whole section': `<!-- an example:\n${quoted}\n-->\n`,
  'a block quote': quoted.split('\n').map((l) => `> ${l}`).join('\n') + '\n',
  'CRLF and a fence': `Docs:\r\n\r\n\`\`\`\r\n${quoted.replace(/\n/g, '\r\n')}\r\n\`\`\`\r\n`,
};

describe('a person quoting our markers keeps every byte', () => {
  for (const [where, text] of Object.entries(QUOTES)) {
    it(`in ${where}: before our section, after it, and without one`, () => {
      // Without a section of ours: the quote is not one, ours is appended after it.
      const appended = planSectionEdit(text, S);
      expect(appended.outcome).toBe('appended');
      expect(appended.body.startsWith(text)).toBe(true);
      expect(extractSection(appended.body)?.replace(/\r\n/g, '\n')).toBe(S);

      // The quote above our real section, and the quote below it: only ours is replaced.
      const real = block(section('old'));
      for (const body of [`${text}\n${real}\n`, `Intro\n\n${real}\n\n${text}`, `${text}\n${real}\n\n${text}`]) {
        const at = body.indexOf(real);
        const edit = planSectionEdit(body, section('new', 'run-2'));
        const eol = body.includes('\r\n') ? '\r\n' : '\n';
        expect(edit.outcome).toBe('replaced');
        expect(edit.removedDuplicates).toBe(0);
        expect(edit.body).toBe(`${body.slice(0, at)}${block(section('new', 'run-2'), eol)}${body.slice(at + real.length)}`);
      }
    });
  }

  it('an unclosed fence at the end of the notes would swallow an appended section: it goes on top instead', () => {
    const body = 'Notes\n\n```\nnever closed';
    const edit = planSectionEdit(body, S);
    expect(edit.outcome).toBe('appended');
    expect(edit.body).toBe(`${block(S)}\n\n${body}`);
    // And it is found there next time, so nothing is written twice.
    expect(planSectionEdit(edit.body, section('T')).body).toBe(`${block(section('T'))}\n\n${body}`);
  });
});

describe('replaceSection: the body limit', () => {
  it('asks the renderer for a section that fits the room the human text leaves', () => {
    const human = 'h'.repeat(900);
    const budgets: number[] = [];
    const edit = planSectionEdit(human, (budget) => {
      budgets.push(budget);
      return section('s').padEnd(budget, 's');
    }, { maxBodyChars: 2000 });
    expect(edit.body.length).toBe(2000);
    expect(edit.body.startsWith(`${human}\n\n`)).toBe(true);
    expect(budgets).toEqual([2000 - 902 - BEGIN.length - END.length - 2]);
  });

  it('asks again for less when CRLF conversion pushes the section over', () => {
    const human = 'h\r\n'.repeat(10);
    const edit = planSectionEdit(human, (budget) => section('x\n'.repeat(Math.floor((budget - 250) / 2))), { maxBodyChars: 600 });
    expect(edit.outcome).toBe('appended');
    expect(edit.body.length).toBeLessThanOrEqual(600);
    expect(edit.body.startsWith(human)).toBe(true);
  });

  it('leaves the human text alone, without our old section, when it leaves no room for a new one', () => {
    const human = 'h'.repeat(2000);
    const withOld = `${human}\n\n${block(section('old'))}\n\nafter`;
    const edit = planSectionEdit(withOld, () => section('new'), { maxBodyChars: 1000 });
    expect(edit).toEqual({ body: `${human}\n\n\n\nafter`, outcome: 'over-limit', removedDuplicates: 0 });
  });

  it('counts characters as GitHub does: an emoji is one', () => {
    const human = '😀'.repeat(500);
    const edit = planSectionEdit(human, section('s'), { maxBodyChars: 1000 });
    expect(edit.outcome).toBe('appended');
    expect(edit.body.length).toBeGreaterThan(1000);
    expect([...edit.body].length).toBeLessThanOrEqual(1000);
  });

  it('returns the body unchanged when a fixed section does not fit and there was none', () => {
    expect(planSectionEdit('abc', section('x'.repeat(200)), { maxBodyChars: 100 })).toEqual({ body: 'abc', outcome: 'over-limit', removedDuplicates: 0 });
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
  it('returns the inner text of the first section of ours', () => {
    expect(extractSection(`x\r\n${BEGIN}\r\n${section('inner').replace('\n', '\r\n')}\r\n${END}\r\ny`)).toBe(section('inner').replace('\n', '\r\n'));
    expect(extractSection(`${BEGIN} stray ${BEGIN}\n\n${block(section('real'))}`)).toBe(section('real'));
  });

  it('returns null when there is no section', () => {
    expect(extractSection(null)).toBeNull();
    expect(extractSection(`only ${BEGIN}`)).toBeNull();
    expect(extractSection(block('no data comment'))).toBeNull();
  });
});
