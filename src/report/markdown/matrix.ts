import type { CheckName, PlatformResult } from '../../domain/verdict.ts';
import { checkColumns, findCheck } from '../check-columns.ts';
import { NOT_RUN, statusLabel } from '../status-label.ts';
import { escapeInline } from './escape.ts';

/**
 * The pass/fail matrix: one row per platform, one column per check. Every cell is a symbol
 * and a word; a check with no result shows `–`. Platform and host names are escaped like
 * any other untrusted text.
 */
export function renderMatrix(platforms: readonly PlatformResult[], options: { plan?: readonly CheckName[]; missing?: readonly string[] } = {}): string {
  const columns = checkColumns(options.plan ?? [], platforms);
  const missing = options.missing ?? [];
  const header = ['Platform', 'Host', 'Verdict', ...columns.map((c) => escapeInline(c))];
  const rows = platforms.map((p) => [
    escapeInline(p.platform),
    hostCell(p),
    statusLabel(p.verdict),
    ...columns.map((name) => {
      const check = findCheck(p, name);
      return check ? statusLabel(check.status) : NOT_RUN;
    }),
  ]);
  for (const id of missing) {
    rows.push([escapeInline(id), NOT_RUN, `${statusLabel('error')} (not tested)`, ...columns.map(() => NOT_RUN)]);
  }
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function hostCell(platform: PlatformResult): string {
  if (platform.host === null) return NOT_RUN;
  const host = escapeInline(platform.host);
  return platform.insecureHostKey ? `${host} ⚠️ unverified host key` : host;
}
