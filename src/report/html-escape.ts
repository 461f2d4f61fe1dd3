import { stripControlChars } from '../domain/text-safety.ts';

const HTML_ENTITY: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML element content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return stripControlChars(text).replace(/[&<>"']/g, (ch) => HTML_ENTITY[ch] ?? ch);
}
