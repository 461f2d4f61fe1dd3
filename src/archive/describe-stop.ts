import type { ScanStop } from './archive-entry.ts';
import type { Finding } from './finding.ts';
import { formatSize } from '../domain/format-size.ts';
import { quoteName } from './quote-name.ts';

/** The finding for a scan that stopped early, naming the asset and, where known, the entry. */
export function describeStop(stop: ScanStop, assetName: string): Finding {
  const at = (entry: string | null): string => (entry === null ? '' : ` at entry ${quoteName(entry)}`);
  switch (stop.kind) {
    case 'size-cap':
      return {
        code: 'size-cap',
        message:
          `${assetName}: more than ${formatSize(stop.cap)} once decompressed (stopped${at(stop.entry)} after ` +
          `${formatSize(stop.bytes)}): a zip bomb, or inspect.maxExtractedBytes is too low`,
        ...(stop.entry === null ? {} : { entry: stop.entry }),
      };
    case 'too-many-entries':
      return { code: 'too-many-entries', message: `${assetName}: more than ${stop.count - 1} entries; a release archive holds one` };
    case 'broken': {
      const entry = stop.entry === null ? {} : { entry: stop.entry };
      const what: Record<typeof stop.what, string> = {
        'not-gzip': 'not a gzip file',
        'not-zip': 'not a zip file',
        'not-tar': 'the gzip stream holds no tar archive',
        truncated: stop.entry === null ? 'truncated before the first entry' : `truncated${at(stop.entry)}`,
        corrupt: `corrupt${at(stop.entry)}`,
        'bad-crc': `CRC mismatch${at(stop.entry)}`,
        unsupported: `cannot read${at(stop.entry)}`,
      };
      return { code: 'broken-archive', message: `${assetName}: ${what[stop.what]} (${stop.cause})`, ...entry };
    }
  }
}
