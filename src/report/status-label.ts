import type { CheckStatus, Verdict } from '../domain/verdict.ts';

/** How a status reads in every report: a symbol for scanning, a word for screen readers and diffs. */
export const STATUS_LABEL: Readonly<Record<CheckStatus | Verdict, { symbol: string; word: string }>> = {
  pass: { symbol: '✅', word: 'pass' },
  fail: { symbol: '❌', word: 'fail' },
  error: { symbol: '⚠️', word: 'error' },
  skipped: { symbol: '⏭️', word: 'skipped' },
};

/** Shown where a platform has no result for a check. */
export const NOT_RUN = '–';

export function statusLabel(status: CheckStatus | Verdict): string {
  const label = STATUS_LABEL[status];
  return `${label.symbol} ${label.word}`;
}
