import type { CheckName } from './verdict.ts';

/**
 * Several orders of check names merged into one run order: the report's columns. A name new to
 * the columns goes just before the next of its own order's names already there, else at the end.
 */
export function mergeCheckOrders(orders: readonly (readonly CheckName[])[]): CheckName[] {
  const columns: CheckName[] = [];
  for (const names of orders) {
    names.forEach((name, i) => {
      if (columns.includes(name)) return;
      const next = names.slice(i + 1).find((later) => columns.includes(later));
      columns.splice(next === undefined ? columns.length : columns.indexOf(next), 0, name);
    });
  }
  return columns;
}
