import { createRequire } from 'node:module';
import type MarkdownItConstructor from 'markdown-it';
import { DATA_PREFIX, parseSectionData } from './section-data.ts';

export const SECTION_BEGIN = '<!-- smoke-test:begin -->';
export const SECTION_END = '<!-- smoke-test:end -->';

/** Where one of our sections is in a body: from its begin marker to just past its end marker. */
export interface SectionSpan {
  start: number;
  end: number;
}

/**
 * Our sections in a body, in order, as CommonMark reads it. People quote our markers (in a fence
 * documenting the tool, in inline code, in a comment, in plain prose), so a marker alone proves
 * nothing. A section is ours only when all of this holds, which nobody writes by accident:
 * - the begin marker is a line of its own that starts an HTML block at the top level of the
 *   document (not in code, a quote, a list or someone's comment), and the very next line is our
 *   data comment, parsing as our schema;
 * - its end is the next end marker that is a line of its own inside a top-level HTML block (our
 *   last block, `</details>` say, may run on into it), with no other begin of ours in between.
 * Everything else, markers included, is the person's text.
 */
export function findSections(body: string): SectionSpan[] {
  if (!body.includes(SECTION_BEGIN)) return [];
  const lineStarts = lineStartsOf(body);
  const marks: { at: number; kind: 'begin' | 'end' }[] = [];
  for (const token of blockParser().parse(body, {})) {
    if (token.type !== 'html_block' || token.level !== 0 || !token.map) continue;
    const [first, last] = token.map;
    const start = lineStarts[first] ?? body.length;
    const end = lineStarts[last] ?? body.length;
    if (isOurBegin(body, start)) marks.push({ at: start, kind: 'begin' });
    for (let at = body.indexOf(SECTION_END, start); at !== -1 && at < end; at = body.indexOf(SECTION_END, at + 1)) {
      if (isOwnLine(body, at, SECTION_END)) marks.push({ at, kind: 'end' });
    }
  }
  marks.sort((a, b) => a.at - b.at);
  const spans: SectionSpan[] = [];
  marks.forEach((mark, i) => {
    const next = marks[i + 1];
    if (mark.kind === 'begin' && next?.kind === 'end') spans.push({ start: mark.at, end: next.at + SECTION_END.length });
  });
  return spans;
}

/**
 * CommonMark's block structure is all that decides where a section can be (no inline construct
 * spans a line that starts an HTML block), so inline parsing is off: a 125,000-character body
 * is read in milliseconds. markdown-it keeps the body's line count (it only normalises line
 * endings), so its line numbers map back to offsets here. It is loaded on the first body that
 * holds a begin marker, not at start: with its HTML entity tables it costs 4-8 MiB of memory.
 */
type BlockParser = InstanceType<typeof MarkdownItConstructor>;
let parser: BlockParser | undefined;
function blockParser(): BlockParser {
  if (!parser) {
    const MarkdownIt = createRequire(import.meta.url)('markdown-it') as typeof MarkdownItConstructor;
    parser = new MarkdownIt('commonmark');
    parser.core.ruler.disable(['inline']);
  }
  return parser;
}

/** The offset where each line starts; LF, CR and CRLF each end a line, as in CommonMark. */
function lineStartsOf(body: string): number[] {
  const starts = [0];
  for (const m of body.matchAll(/\r\n|\r|\n/g)) starts.push(m.index + m[0].length);
  return starts;
}

function isOurBegin(body: string, at: number): boolean {
  if (!body.startsWith(SECTION_BEGIN, at) || !isOwnLine(body, at, SECTION_BEGIN)) return false;
  // The data comment is one line of JSON, a few hundred characters: far under this window.
  const next = /^(?:\r\n|\r|\n)([^\r\n]*)/.exec(body.slice(at + SECTION_BEGIN.length, at + SECTION_BEGIN.length + 8192))?.[1];
  return next !== undefined && next.startsWith(DATA_PREFIX) && next.trimEnd().endsWith('-->') && parseSectionData(next) !== null;
}

/** The marker at `at` is a whole line: after the start of the body or a line ending, and before one or the end. */
function isOwnLine(body: string, at: number, marker: string): boolean {
  const before = at === 0 ? '\n' : body[at - 1];
  const after = body[at + marker.length] ?? '\n';
  return (before === '\n' || before === '\r') && (after === '\n' || after === '\r');
}
