/** One problem found in an archive or its binary. The check's detail is the first; a report lists all. */
export interface Finding {
  code: FindingCode;
  /** One line, names already quoted. */
  message: string;
  /** The entry concerned, as stored in the archive. */
  entry?: string;
}

export type FindingCode =
  | 'broken-archive'
  | 'size-cap'
  | 'too-many-entries'
  | 'unsafe-entry'
  | 'layout'
  | 'missing-binary'
  | 'not-executable'
  | 'platform-mismatch'
  | 'dynamic'
  | 'too-small'
  | 'no-exec-bit';
