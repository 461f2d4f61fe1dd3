import { neutraliseCommentMarkers } from '../domain/text-safety.ts';
import { findSections, SECTION_BEGIN, SECTION_END, type SectionSpan } from './find-sections.ts';

export { findSections, SECTION_BEGIN, SECTION_END, type SectionSpan } from './find-sections.ts';

export { parseSectionData, type SectionData } from './section-data.ts';

/**
 * The release body belongs to people; we own only our section (see `findSections` for how it is
 * told apart from a person quoting our markers).
 *
 * Rules (each one keeps human text byte for byte):
 * - The first section of ours is replaced in place; later ones (left by an older bug) are
 *   removed, markers included, and nothing around them. Where that would let a person's
 *   quoted example read as ours (it sat in the HTML block an old section of ours ended in), a
 *   later one is replaced instead, or, failing all, the section goes on top.
 * - With none, the section is appended after the existing text, adding only the line breaks
 *   needed for one blank line between them (none for an empty body). Where the person's text
 *   would swallow it (an unclosed fence or comment at its end), it goes on top instead, followed
 *   by one blank line: a section nobody (us included) can find would be written again and again.
 * - Our block uses the body's line ending: CRLF when the human text has a CRLF.
 * - GitHub caps a body at 125,000 characters (code points, see `bodyChars`); when the human
 *   text leaves too little room the section is rendered smaller. If even that does not fit, the
 *   outcome is `over-limit` and the body is the human text alone: an old section of ours (a
 *   "testing" one, say) is removed rather than left to say something no longer true.
 */
export const MAX_BODY_CHARS = 125_000;

/** A section, or a renderer that produces one in at most `budget` characters when it can. */
export type SectionSource = string | ((budget: number) => string);

export interface SectionEdit {
  body: string;
  /** `over-limit`: no room; `unplaceable`: written anywhere, CommonMark would not read it as ours. */
  outcome: 'replaced' | 'appended' | 'over-limit' | 'unplaceable';
  /** Extra sections of ours removed (an older bug could have left duplicates). */
  removedDuplicates: number;
}

interface Place {
  before: string;
  after: string;
}

export function planSectionEdit(
  body: string | null,
  section: SectionSource,
  opts: { maxBodyChars?: number } = {},
): SectionEdit {
  const original = body ?? '';
  const max = opts.maxBodyChars ?? MAX_BODY_CHARS;
  const ours = findSections(original);
  // Each old section of ours is a place to write in, the others removed: the first, unless
  // removing another exposes a person's quoted example as a section (it was inside the HTML
  // block our removed section ended), in which case a later one keeps the text as it was read.
  const inPlace = ours.map((_, keep) => keepOne(original, ours, keep));
  const human = inPlace[0] ? `${inPlace[0].before}${inPlace[0].after}` : original;
  // Follow the human text's line endings, not our old section's.
  const eol = human.includes('\r\n') ? '\r\n' : '\n';
  const places: Place[] = [...(inPlace.length > 0 ? inPlace : [appendPoint(original, eol)]), onTop(human, eol)];
  const removedDuplicates = Math.max(0, ours.length - 1);
  for (const place of places) {
    const next = fitSection(place, section, eol, max);
    if (next === null) return { body: human, outcome: 'over-limit', removedDuplicates };
    // Read back as CommonMark reads it: exactly our section, from our begin to our end marker.
    const found = findSections(next);
    if (found.length === 1 && found[0]!.start === place.before.length && found[0]!.end === next.length - place.after.length) {
      return { body: next, outcome: ours.length > 0 ? 'replaced' : 'appended', removedDuplicates };
    }
  }
  return { body: original, outcome: 'unplaceable', removedDuplicates: 0 };
}

/** The body with our section written at `place`, or null when it cannot be made to fit. */
function fitSection(place: Place, section: SectionSource, eol: string, max: number): string | null {
  const { before, after } = place;
  const frame = SECTION_BEGIN.length + SECTION_END.length + 2 * eol.length;
  const human = bodyChars(before) + bodyChars(after);
  // The renderer counts UTF-16 units, never fewer than characters: what it makes fits.
  let budget = max - human - frame;
  for (let attempt = 0; attempt < 3 && budget > 0; attempt += 1) {
    const inner = toEol(sanitise(typeof section === 'string' ? section : section(budget)), eol);
    const chars = human + frame + bodyChars(inner);
    if (chars <= max) return `${before}${SECTION_BEGIN}${eol}${inner}${eol}${SECTION_END}${after}`;
    if (typeof section === 'string') return null;
    budget -= chars - max; // CRLF conversion can push a section just over: ask for less
  }
  return null;
}

/**
 * Characters as GitHub counts a body's length: code points, so an emoji is one (two UTF-16
 * units in JavaScript). A person's 100,000 emoji leave GitHub room for 25,000 more characters.
 */
export function bodyChars(text: string): number {
  let pairs = 0;
  for (const _ of text.matchAll(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)) pairs += 1;
  return text.length - pairs;
}

/** The body with our section written in; without it when it cannot fit (see `planSectionEdit`). */
export function replaceSection(body: string | null, section: SectionSource, opts: { maxBodyChars?: number } = {}): string {
  return planSectionEdit(body, section, opts).body;
}

/** The text of our first section, without its markers and the line breaks around it. */
export function extractSection(body: string | null): string | null {
  const [first] = findSections(body ?? '');
  if (!first) return null;
  const inner = (body ?? '').slice(first.start + SECTION_BEGIN.length, first.end - SECTION_END.length);
  return inner.replace(/^\r?\n/, '').replace(/\r?\n$/, '');
}

/** The body around `spans[keep]`, every other span cut out (spans in order, not overlapping). */
function keepOne(body: string, spans: readonly SectionSpan[], keep: number): Place {
  const cut = (from: number, to: number, between: readonly SectionSpan[]): string => {
    let text = '';
    let cursor = from;
    for (const span of between) {
      text += body.slice(cursor, span.start);
      cursor = span.end;
    }
    return text + body.slice(cursor, to);
  };
  const kept = spans[keep]!;
  return { before: cut(0, kept.start, spans.slice(0, keep)), after: cut(kept.end, body.length, spans.slice(keep + 1)) };
}

/** Where a new section goes: after the human text, with just enough line breaks for one blank line. */
function appendPoint(body: string, eol: string): Place {
  if (body === '') return { before: '', after: '' };
  const endsWith = (n: number): boolean => body.endsWith(eol.repeat(n));
  const separator = endsWith(2) ? '' : endsWith(1) ? eol : eol + eol;
  return { before: body + separator, after: '' };
}

/** On top of the human text, with one blank line between: nothing before it can swallow it. */
function onTop(human: string, eol: string): Place {
  return { before: '', after: human === '' ? '' : `${eol}${eol}${human}` };
}

/** Our own text must never carry a marker: a stray one would confuse the next edit. */
function sanitise(section: string): string {
  return section.replaceAll(SECTION_BEGIN, neutraliseCommentMarkers(SECTION_BEGIN)).replaceAll(SECTION_END, neutraliseCommentMarkers(SECTION_END));
}

function toEol(text: string, eol: string): string {
  const lf = text.replace(/\r\n/g, '\n').replace(/^\n+|\n+$/g, '');
  return eol === '\n' ? lf : lf.replace(/\n/g, eol);
}
