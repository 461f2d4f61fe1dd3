import fc from 'fast-check';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { describe, expect, it } from 'vitest';
import { SECTION_BEGIN as BEGIN, SECTION_END as END, extractSection, planSectionEdit } from '../../src/posting/body-section.ts';
import { DATA_PREFIX, parseSectionData, renderSectionData } from '../../src/posting/section-data.ts';

/**
 * The round trip over generated bodies: random human text full of our markers (in fences, inline
 * code, comments, quotes, prose), CRLF, emoji, with or without a real section of ours, checked
 * against micromark's reading of the result (mdast-util-from-markdown; the code reads bodies with
 * markdown-it): an independent CommonMark parser decides where our section is, and every other
 * byte must be the person's.
 */

const section = (runId: string, text: string): string =>
  `${renderSectionData({ schema: 1, runId, state: 'done', verdict: 'pass', tag: 'v1.2.3', commit: null, assetDigests: {}, startedAt: 't0', finishedAt: 't1' })}\n${text}`;
const block = (inner: string): string => `${BEGIN}\n${inner}\n${END}`;

interface Line {
  text: string;
  start: number;
}

/** Lines as CommonMark counts them: LF, CR and CRLF all end one. */
function lines(body: string): Line[] {
  const out: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    out.push({ text: body.slice(start, m.index), start });
    start = m.index + m[0].length;
  }
  out.push({ text: body.slice(start), start });
  return out;
}

/**
 * Our sections as micromark sees the body: a top-level HTML node that starts with the begin line,
 * the next line our data comment; its end the next end-marker line inside a top-level HTML node,
 * with no begin of ours in between.
 */
function sectionsByMicromark(body: string): { start: number; end: number }[] {
  const ls = lines(body);
  const lineAt = (offset: number): number => ls.findIndex((l, i) => offset >= l.start && offset < (ls[i + 1]?.start ?? Infinity));
  const marks: { at: number; kind: 'begin' | 'end' }[] = [];
  for (const node of fromMarkdown(body).children) {
    if (node.type !== 'html' || !node.position) continue;
    const first = lineAt(node.position.start.offset!);
    const last = lineAt(Math.max(node.position.start.offset!, node.position.end.offset! - 1));
    const data = ls[first + 1]?.text ?? '';
    if (ls[first]?.start === node.position.start.offset && ls[first]?.text === BEGIN && data.startsWith(DATA_PREFIX) && parseSectionData(data) !== null) {
      marks.push({ at: ls[first]!.start, kind: 'begin' });
    }
    for (let i = first; i <= last; i++) if (ls[i]?.text === END) marks.push({ at: ls[i]!.start, kind: 'end' });
  }
  marks.sort((a, b) => a.at - b.at);
  return marks.flatMap((m, i) => (m.kind === 'begin' && marks[i + 1]?.kind === 'end' ? [{ start: m.at, end: marks[i + 1]!.at + END.length }] : []));
}

const quotedSection = block(section('quoted-run', 'a quoted example'));
const word = fc.constantFrom('notes', 'fix', ' ', '  ', '😀', '🎉', 'Übersicht', '`', '``', '<', '>', '-', '!', '~', '#', '*', '_', '\t', BEGIN, END, '<!--', '-->', DATA_PREFIX);
const text = fc.array(word, { minLength: 1, maxLength: 12 }).map((ws) => ws.join(''));
const markerLine = fc.constantFrom(BEGIN, END, renderSectionData({ schema: 1, runId: 'in-code', state: 'running', verdict: null, tag: 'v1', commit: null, assetDigests: {}, startedAt: 't', finishedAt: null }), 'code line');
const codeLines = fc.array(fc.oneof(markerLine, text, fc.constant(quotedSection)), { minLength: 1, maxLength: 5 }).map((ls) => ls.join('\n'));

/** One block of a person's text. */
const humanBlock = fc.oneof(
  text,
  fc.tuple(fc.constantFrom('```', '~~~', '````'), fc.constantFrom('', 'markdown', 'text'), codeLines).map(([f, info, body]) => `${f}${info}\n${body}\n${f}`),
  codeLines.map((body) => body.split('\n').map((l) => `    ${l}`).join('\n')),
  fc.constantFrom(BEGIN, END).map((m) => `Put \`${m}\` on its own line.`),
  codeLines.map((body) => `<!-- an example:\n${body}\n-->`),
  codeLines.map((body) => body.split('\n').map((l) => `> ${l}`).join('\n')),
  codeLines.map((body) => `- item\n\n  \`\`\`\n${body.split('\n').map((l) => `  ${l}`).join('\n')}\n  \`\`\``),
  fc.constant(`${BEGIN}\nnot ours: no data\n${END}`),
  fc.constant(`Between ${BEGIN} and ${END} inline.`),
);

/** A person's body: blocks joined by blank lines or single line breaks, maybe our real section among them. */
const humanBody = fc
  .record({
    blocks: fc.array(humanBlock, { maxLength: 6 }),
    real: fc.option(fc.nat(6), { nil: undefined }),
    joins: fc.array(fc.constantFrom('\n\n', '\n', '\n\n\n'), { minLength: 7, maxLength: 7 }),
    crlf: fc.constantFrom('none', 'all', 'some'),
    trailing: fc.constantFrom('', '\n', '\n\n'),
  })
  .map(({ blocks, real, joins, crlf, trailing }) => {
    const parts = [...blocks];
    if (real !== undefined) parts.splice(Math.min(real, parts.length), 0, block(section('old-run', '### Smoke test\n\n| a | b |\n| --- | --- |\n\n<details>\n<summary>x</summary>\n\n</details>')));
    let body = parts.map((p, i) => (i === 0 ? p : `${joins[i] ?? '\n\n'}${p}`)).join('') + trailing;
    if (crlf === 'all') body = body.replace(/\n/g, '\r\n');
    if (crlf === 'some') body = body.replace(/\n\n/g, '\r\n\n');
    return body;
  });

/** The body with these spans cut out. */
function without(body: string, spans: readonly { start: number; end: number }[]): string {
  let out = '';
  let cursor = 0;
  for (const span of spans) {
    out += body.slice(cursor, span.start);
    cursor = span.end;
  }
  return out + body.slice(cursor);
}

describe('the body round trip, against micromark', () => {
  it('keeps a quoted example hidden when the duplicate of ours that hid it is removed (found by the property below)', () => {
    // Our old section ends in an HTML block (`</details>`) that runs on, without a blank line, over
    // the person's quoted example; removing that section would let the example read as ours.
    const ourOld = block(section('old-run', '<details>\n<summary>x</summary>\n\n</details>'));
    const body = `${quotedSection}\n-->\n\ntext\n\n${ourOld}\n<!-- an example:\n${BEGIN}\n${quotedSection}\n-->`;
    expect(sectionsByMicromark(body)).toHaveLength(2);
    // As the full render does, the new section ends in a details block too, and hides it again.
    const fresh = section('new-run', '**pass**\n\n<details>\n<summary>s</summary>\n\n</details>');
    const edit = planSectionEdit(body, fresh);
    expect(edit.outcome).toBe('replaced');
    const after = sectionsByMicromark(edit.body);
    expect(after).toHaveLength(1);
    expect(without(edit.body, after)).toBe(without(body, sectionsByMicromark(body)));
  });

  it('writes exactly one section where micromark sees it, and every other byte is the person’s', () => {
    const fresh = section('new-run', '### Smoke test\n\n**pass** · run new-run\n\n<details>\n<summary>s</summary>\n\n```text\nlog\n```\n\n</details>');
    fc.assert(
      fc.property(humanBody, (body) => {
        const before = sectionsByMicromark(body);
        const edit = planSectionEdit(body, fresh);
        expect(['replaced', 'appended']).toContain(edit.outcome);
        const after = sectionsByMicromark(edit.body);
        expect(after).toHaveLength(1);
        const ours = after[0]!;
        expect(parseSectionData(edit.body.slice(ours.start, ours.end).split(/\r?\n/)[1] ?? '')?.runId).toBe('new-run');
        const human = without(edit.body, [ours]);
        if (before.length > 0) {
          // Replaced where micromark saw one of ours (the first, unless removing another would
          // expose a quoted example as a section), else on top; the others (duplicates) removed.
          expect(edit.outcome).toBe('replaced');
          const oldPlaces = ['', ...before.map((b, k) => without(body.slice(0, b.start), before.slice(0, k)))];
          expect(oldPlaces).toContain(edit.body.slice(0, ours.start));
          // On top, one blank line (in the body's line ending) parts ours from the person's text.
          const onTop = ours.start === 0 && before[0]!.start !== 0;
          expect(onTop ? human.replace(/^(\r?\n){2}/, '') : human).toBe(without(body, before));
        } else {
          expect(edit.outcome).toBe('appended');
          // After the person's text with only line breaks added, or on top when that text would swallow it.
          const appended = human.startsWith(body) && /^(\r?\n)*$/.test(human.slice(body.length));
          const onTop = ours.start === 0 && human.endsWith(body) && /^(\r?\n)*$/.test(human.slice(0, human.length - body.length));
          expect(appended || onTop).toBe(true);
        }
        // What watch and gate read back is this run, and writing it again changes nothing.
        expect(parseSectionData(extractSection(edit.body) ?? '')?.runId).toBe('new-run');
        expect(planSectionEdit(edit.body, fresh).body).toBe(edit.body);
      }),
      { numRuns: 400 },
    );
  });
});
