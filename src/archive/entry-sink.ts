/**
 * Counts a file entry's decompressed bytes as they stream past and keeps only its first bytes,
 * so neither an archive nor a whole entry is ever held in memory.
 */
export class EntrySink {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  bytes = 0;

  constructor(private readonly keepBytes: number) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.kept >= this.keepBytes) return;
    const part = chunk.subarray(0, this.keepBytes - this.kept);
    // Copy: a stream may reuse its buffer, and a slice would pin a large chunk.
    this.chunks.push(Buffer.from(part));
    this.kept += part.length;
  }

  head(): Buffer {
    return Buffer.concat(this.chunks, this.kept);
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
