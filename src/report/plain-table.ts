import { stripControlChars } from '../domain/text-safety.ts';

/**
 * A table for a terminal or a CI log: columns padded to their widest cell, two spaces apart.
 * Cells may hold what a host printed, so control characters (terminal escapes) and line breaks
 * are removed; the last column is not padded, so long reasons do not leave trailing blanks.
 */
export function plainTable(header: string[], rows: string[][]): string {
  const clean = [header, ...rows].map((row) => row.map((cell) => stripControlChars(cell).replace(/\s*\n\s*/g, ' ')));
  const widths = header.map((_, i) => Math.max(...clean.map((row) => [...(row[i] ?? '')].length)));
  return clean
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}
