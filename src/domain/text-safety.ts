/**
 * Text from a host or from GitHub is untrusted. These helpers make it inert wherever we
 * render it: no pings, no issue links, no HTML comments that could fake our section markers.
 */

const ZWSP = '\u200B';

/** `@octocat` and `@everyone` would notify people; a zero-width space after `@` stops that (Renovate does the same). */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWSP}`);
}

/** `#123` and `GH-123` become links to issues; break them the same way. */
export function neutraliseIssueRefs(text: string): string {
  return text.replace(/#(?=\d)/g, `#${ZWSP}`).replace(/\b(GH)-(?=\d)/gi, `$1-${ZWSP}`);
}

/**
 * `<!--` and `-->` must never appear verbatim in what we write: our section markers are HTML
 * comments, and a fake end marker inside an excerpt would make the next edit cut human text.
 */
export function neutraliseCommentMarkers(text: string): string {
  return text.replace(/<!--/g, `<${ZWSP}!--`).replace(/--(?=!?>)/g, `-${ZWSP}-`);
}

/** Drops C0/C1 control characters except tab and newline; CRLF and lone CR become LF. */
export function stripControlChars(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '');
}

/** Everything untrusted prose needs before escaping for a given syntax. */
export function inertText(text: string): string {
  return neutraliseCommentMarkers(neutraliseIssueRefs(neutraliseMentions(stripControlChars(text))));
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair, ending with `…` when cut. */
export function truncateEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Keeps the last `max` units of a log (the end is where a failure shows), cut at a line start
 * when one is near, with a note of how much was left out. The result is at most `max` long.
 */
export function keepTail(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = (omitted: number): string => `[… ${omitted} characters omitted]\n`;
  const room = max - note(text.length).length;
  if (room <= 0) return truncateEnd(note(text.length), max);
  let start = text.length - room;
  if (isLowSurrogate(text.charCodeAt(start))) start += 1;
  const newline = text.indexOf('\n', start);
  if (newline !== -1 && newline - start < room / 4) start = newline + 1;
  return note(start) + text.slice(start);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
