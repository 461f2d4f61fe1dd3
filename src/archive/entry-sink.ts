import { createHash, type Hash } from 'node:crypto';

/**
 * Counts a file entry's decompressed bytes as they stream past and keeps only its first bytes,
 * so neither an archive nor a whole entry is ever held in memory. A hashed entry's SHA-256 is
 * taken on the way: the host compares it with the file its own extractor wrote.
 */
export class EntrySink {
  private readonly chunks: Buffer[] = [];
  private readonly hash: Hash | undefined;
  private kept = 0;
  bytes = 0;

  constructor(
    private readonly keepBytes: number,
    options: { hash: boolean } = { hash: false },
  ) {
    this.hash = options.hash ? createHash('sha256') : undefined;
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    if (this.kept >= this.keepBytes) return;
    const part = chunk.subarray(0, this.keepBytes - this.kept);
    // Copy: a stream may reuse its buffer, and a slice would pin a large chunk.
    this.chunks.push(Buffer.from(part));
    this.kept += part.length;
  }

  head(): Buffer {
    return Buffer.concat(this.chunks, this.kept);
  }

  /** Lowercase hex of every byte pushed; undefined when not hashing. Call once, at the end. */
  sha256(): string | undefined {
    return this.hash?.digest('hex');
  }
}

/** The archive-wide decompressed byte budget (zip bombs). */
export class ExtractBudget {
  total = 0;
  constructor(readonly cap: number) {}

  /** Adds `n` bytes; false once the cap is exceeded. */
  spend(n: number): boolean {
    this.total += n;
    return this.total <= this.cap;
  }
}
