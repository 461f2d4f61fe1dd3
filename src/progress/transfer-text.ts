import { formatSize } from '../domain/format-size.ts';

/** Below this the rate is noise: the first chunks arrive in a burst. */
const MIN_RATE_WINDOW_MS = 250;

/** "12.0 MiB/40.0 MiB 8.0 MiB/s": bytes so far, the total, and the rate since the first progress. */
export function transferText(t: { bytes: number; total: number; movedBytes: number; elapsedMs: number }): string {
  const amount = `${formatSize(t.bytes)}/${formatSize(t.total)}`;
  if (t.elapsedMs < MIN_RATE_WINDOW_MS || t.movedBytes <= 0) return amount;
  return `${amount} ${formatSize(Math.round((t.movedBytes * 1000) / t.elapsedMs))}/s`;
}
