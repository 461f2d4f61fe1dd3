import type { RunReport } from '../domain/report.ts';
import type { CheckStatus } from '../domain/verdict.ts';
import { checkColumns, findCheck } from './check-columns.ts';
import { plainTable } from './plain-table.ts';
import { NOT_RUN } from './status-label.ts';

/** Words, not emoji: emoji widths differ between terminals and would break the columns. */
const CELL: Readonly<Record<CheckStatus, string>> = { pass: 'pass', fail: 'FAIL', error: 'ERROR', skipped: 'skip' };

/**
 * The matrix for a terminal: one row per platform, one column per check, and why a platform
 * did not pass in the last column. Control characters from hosts are stripped by `plainTable`.
 */
export function matrixTable(report: Pick<RunReport, 'platforms' | 'plan'>): string {
  const columns = checkColumns(report.plan ?? [], report.platforms);
  const header = ['platform', 'verdict', ...columns, 'why'];
  const rows = report.platforms.map((p) => {
    const cells = columns.map((name) => {
      const check = findCheck(p, name);
      return check ? CELL[check.status] : NOT_RUN;
    });
    const first = p.checks.find((c) => c.status === 'fail' || c.status === 'error');
    const why = first ? `${first.name}: ${cut(first.detail, 160)}` : '';
    return [p.platform, CELL[p.verdict], ...cells, why];
  });
  return plainTable(header, rows);
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
