/** What an archive entry is, the same for tar and zip. */
export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'other';

export interface ArchiveEntry {
  /** The name exactly as stored (zip backslashes kept), so the rules can judge it. */
  name: string;
  type: EntryType;
  /** Decompressed bytes actually read for files; the declared size otherwise. */
  size: number;
  /** Unix permission and type bits, when the archive stores them. */
  mode?: number;
  linkTarget?: string;
  /** The first bytes of a file entry, when the caller asked for them. */
  head?: Buffer;
  /** SHA-256 (hex) of a wanted file entry's decompressed bytes: what the host must find once it extracted. */
  sha256?: string;
  /**
   * Another name a different reader gives this entry (a zip's Info-ZIP Unicode Path field that
   * differs from the stored name): which one lands on disk depends on the extractor.
   */
  otherName?: string;
}

/** Why a scan stopped before the end of the archive. */
export type ScanStop =
  | { kind: 'size-cap'; entry: string | null; bytes: number; cap: number }
  | { kind: 'too-many-entries'; count: number }
  | { kind: 'broken'; what: BrokenWhat; entry: string | null; cause: string };

export type BrokenWhat = 'not-gzip' | 'not-zip' | 'not-tar' | 'truncated' | 'corrupt' | 'bad-crc' | 'unsupported';

export interface ScanOptions {
  /** Stop as soon as more decompressed bytes than this have streamed past. */
  maxExtractedBytes: number;
  /** How many leading bytes of a wanted entry to keep. */
  headBytes: number;
  /** Which file entries to keep the head of and hash (by stored name). */
  wantHead: (name: string) => boolean;
  /** Stop listing after this many entries (an entry flood is itself a finding). */
  maxEntries: number;
}

export interface ScanResult {
  entries: ArchiveEntry[];
  /** Decompressed bytes that streamed past before the scan ended or stopped. */
  extractedBytes: number;
  stop: ScanStop | null;
}
