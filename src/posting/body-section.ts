import { neutraliseCommentMarkers } from '../domain/text-safety.ts';

export { parseSectionData, type SectionData } from './section-data.ts';

/**
 * The release body belongs to people; we own only the text between these markers.
 *
 * Rules (each one keeps human text byte for byte):
 * - Our section is a well-formed pair: a begin marker whose next marker is an end marker.
 *   A begin marker followed by another begin marker (or by nothing) is stray and is left as
 *   it is: treating it as ours could swallow everything a person wrote after it.
 * - The first pair is replaced in place; later pairs (left by an older bug) are removed,
 *   markers included, and nothing around them.
 * - With no pair, the section is appended after the existing text, adding only the line
 *   breaks needed for one blank line between them (none for an empty body).
 * - Our block uses the body's line ending: CRLF when the human text has a CRLF.
 * - GitHub caps a body at about 125,000 characters; when the human text leaves too little
 *   room the section is rendered smaller, and if even that does not fit the body is returned
 *   unchanged with `outcome: 'over-limit'`.
 */
export const SECTION_BEGIN = '<!-- smoke-test:begin -->';
export const SECTION_END = '<!-- smoke-test:end -->';
export const MAX_BODY_CHARS = 125_000;

/** A section, or a renderer that produces one in at most `budget` characters when it can. */
export type SectionSource = string | ((budget: number) => string);

export interface SectionEdit {
  body: string;
  outcome: 'replaced' | 'appended' | 'over-limit';
  /** Extra well-formed sections removed (an older bug could have left duplicates). */
  removedDuplicates: number;
}

interface Span {
  start: number;
  end: number; // just past the end marker
}

export function planSectionEdit(
  body: string | null,
  section: SectionSource,
  opts: { maxBodyChars?: number } = {},
): SectionEdit {
  const original = body ?? '';
  const max = opts.maxBodyChars ?? MAX_BODY_CHARS;
  const [first, ...extra] = findSections(original);
  const kept = first ? withoutSpans(original, first, extra) : { before: original, after: '' };
  // Follow the human text's line endings, not our old section's.
  const eol = `${kept.before}${kept.after}`.includes('\r\n') ? '\r\n' : '\n';
  const { before, after } = first ? kept : appendPoint(original, eol);
  const frame = SECTION_BEGIN.length + SECTION_END.length + 2 * eol.length;
  const unchanged: SectionEdit = { body: original, outcome: 'over-limit', removedDuplicates: 0 };

  let budget = max - before.length - after.length - frame;
  for (let attempt = 0; attempt < 3 && budget > 0; attempt += 1) {
    const inner = toEol(sanitise(typeof section === 'string' ? section : section(budget)), eol);
    const next = `${before}${SECTION_BEGIN}${eol}${inner}${eol}${SECTION_END}${after}`;
    if (next.length <= max) {
      return { body: next, outcome: first ? 'replaced' : 'appended', removedDuplicates: extra.length };
    }
    if (typeof section === 'string') return unchanged;
    budget -= next.length - max; // CRLF conversion can push a section just over: ask for less
  }
  return unchanged;
}

/** The body with our section written in; unchanged when it cannot fit (see `planSectionEdit`). */
export function replaceSection(body: string | null, section: SectionSource, opts: { maxBodyChars?: number } = {}): string {
  return planSectionEdit(body, section, opts).body;
}

/** The text between the first well-formed pair of markers, without the line breaks around it. */
export function extractSection(body: string | null): string | null {
  const [first] = findSections(body ?? '');
  if (!first) return null;
  const inner = (body ?? '').slice(first.start + SECTION_BEGIN.length, first.end - SECTION_END.length);
  return inner.replace(/^\r?\n/, '').replace(/\r?\n$/, '');
}

/** Well-formed begin..end pairs in order: a begin counts only when the next marker is an end. */
export function findSections(body: string): Span[] {
  const markers: { at: number; kind: 'begin' | 'end' }[] = [];
  for (const [marker, kind] of [
    [SECTION_BEGIN, 'begin'],
    [SECTION_END, 'end'],
  ] as const) {
    for (let at = body.indexOf(marker); at !== -1; at = body.indexOf(marker, at + marker.length)) {
      markers.push({ at, kind });
    }
  }
  markers.sort((a, b) => a.at - b.at);
  const spans: Span[] = [];
  markers.forEach((m, i) => {
    const next = markers[i + 1];
    if (m.kind === 'begin' && next?.kind === 'end') spans.push({ start: m.at, end: next.at + SECTION_END.length });
  });
  return spans;
}

function withoutSpans(body: string, first: Span, extra: readonly Span[]): { before: string; after: string } {
  let after = '';
  let cursor = first.end;
  for (const span of extra) {
    after += body.slice(cursor, span.start);
    cursor = span.end;
  }
  return { before: body.slice(0, first.start), after: after + body.slice(cursor) };
}

/** Where a new section goes: after the human text, with just enough line breaks for one blank line. */
function appendPoint(body: string, eol: string): { before: string; after: string } {
  if (body === '') return { before: '', after: '' };
  const endsWith = (n: number): boolean => body.endsWith(eol.repeat(n));
  const separator = endsWith(2) ? '' : endsWith(1) ? eol : eol + eol;
  return { before: body + separator, after: '' };
}

/** Our own text must never carry a marker: a stray one would confuse the next edit. */
function sanitise(section: string): string {
  return section.replaceAll(SECTION_BEGIN, neutraliseCommentMarkers(SECTION_BEGIN)).replaceAll(SECTION_END, neutraliseCommentMarkers(SECTION_END));
}

function toEol(text: string, eol: string): string {
  const lf = text.replace(/\r\n/g, '\n').replace(/^\n+|\n+$/g, '');
  return eol === '\n' ? lf : lf.replace(/\n/g, eol);
}
