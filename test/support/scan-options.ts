import type { ScanOptions } from '../../src/archive/archive-entry.ts';

/** Scan options small enough for test archives: a 10 MB cap, a 16-byte head of `bin`. */
export function scanOptions(over: Partial<ScanOptions> = {}): ScanOptions {
  return {
    maxExtractedBytes: 10_000_000,
    headBytes: 16,
    wantHead: (name) => name === 'bin',
    maxEntries: 100,
    ...over,
  };
}
