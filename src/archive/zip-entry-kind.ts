import type { EntryType } from './archive-entry.ts';

const UNIX_HOST = 3;
const DOS_DIRECTORY = 0x10;
const S_IFMT = 0o170000;
const UNIX_TYPES: Record<number, EntryType> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'symlink',
  0o020000: 'device',
  0o060000: 'device',
  0o010000: 'fifo',
};

/**
 * A zip entry's type and Unix mode from its central-directory fields. Only archives made on
 * Unix store a mode; PowerShell's Compress-Archive stores DOS attributes and no mode.
 */
export function zipEntryKind(fields: {
  name: string;
  versionMadeBy: number;
  externalFileAttributes: number;
}): { type: EntryType; mode?: number } {
  const unixMode = fields.versionMadeBy >>> 8 === UNIX_HOST ? fields.externalFileAttributes >>> 16 : 0;
  if (unixMode !== 0) {
    // A mode with no type bits (some writers) is a plain file or, by its trailing slash, a folder.
    const byBits = (unixMode & S_IFMT) === 0 ? undefined : UNIX_TYPES[unixMode & S_IFMT] ?? 'other';
    const type = byBits ?? (fields.name.endsWith('/') ? 'directory' : 'file');
    return { type, mode: unixMode };
  }
  const isDirectory = fields.name.endsWith('/') || (fields.externalFileAttributes & DOS_DIRECTORY) !== 0;
  return { type: isDirectory ? 'directory' : 'file' };
}
