import { inertText, neutraliseCommentMarkers, neutraliseMentions, stripControlChars } from '../../domain/text-safety.ts';

/**
 * Numeric character references are literal text in CommonMark and in HTML alike, so one
 * escaper serves table cells, prose and `<summary>` lines (never attributes). `|` is escaped
 * so a cell cannot split the table; `<` so nothing becomes a tag or a comment.
 */
const ENTITY: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '~': '&#126;',
  '\\': '&#92;',
};

/** Untrusted text on one line of Markdown (a cell, a list item, a summary). Newlines become spaces. */
export function escapeInline(text: string): string {
  const oneLine = inertText(text).replace(/[\n\t]+/g, ' ').trim();
  return oneLine.replace(/[&<>|`*_[\]~\\]/g, (ch) => ENTITY[ch] ?? ch);
}

/**
 * A fenced code block for untrusted text: the fence is longer than any backtick run inside,
 * so the content cannot close it, and comment markers are broken so a fake end marker in a
 * log cannot end our section. Code does not ping or render, but the same text is copied into
 * other places (e-mail notifications, step summaries): mentions and tags are broken here too.
 */
export function fencedBlock(text: string): string {
  const content = breakTags(neutraliseMentions(neutraliseCommentMarkers(stripControlChars(text)))).replace(/\n+$/, '');
  let longestRun = 0;
  for (const run of content.matchAll(/`+/g)) longestRun = Math.max(longestRun, run[0].length);
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}text\n${content}\n${fence}`;
}

/** `<script>`, `</details>`: a zero-width space after `<` keeps them text wherever they end up. */
function breakTags(text: string): string {
  return text.replace(/<(?=[A-Za-z/])/g, '<\u200B');
}

/** A hex digest or SHA in a code span when it is what it claims to be; escaped text otherwise. */
export function codeIfHex(value: string, length?: number): string {
  const shown = length === undefined ? value : value.slice(0, length);
  return /^[0-9a-f]+$/i.test(value) ? `\`${shown}\`` : escapeInline(shown);
}

/** Only plain http(s) URLs become links; anything else is shown as text. */
export function safeLink(label: string, url: string): string {
  return /^https?:\/\/[^\s<>"'`()[\]\\]+$/.test(url) ? `[${escapeInline(label)}](${url})` : escapeInline(url);
}
