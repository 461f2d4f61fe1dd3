/**
 * Keeps the first and last bytes of a stream that may be huge (a daemon spewing logs), so
 * memory stays bounded and both the start and the end of the output survive.
 */
export class OutputCap {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const headMax = Math.ceil(this.maxBytes / 2);
    if (this.headBytes < headMax) {
      const take = chunk.subarray(0, headMax - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    const tailMax = this.maxBytes - headMax;
    // Drop whole chunks from the front while the rest still covers the tail budget.
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= tailMax) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }

  get truncated(): boolean {
    return this.total > this.maxBytes;
  }

  toString(): string {
    const head = Buffer.concat(this.head);
    if (!this.truncated) return Buffer.concat([head, ...this.tail]).toString('utf8');
    const tailMax = this.maxBytes - Math.ceil(this.maxBytes / 2);
    const tailAll = Buffer.concat(this.tail);
    const tail = tailAll.subarray(tailAll.length - tailMax);
    const elided = this.total - head.length - tail.length;
    return `${head.toString('utf8')}\n[... ${elided} bytes elided ...]\n${tail.toString('utf8')}`;
  }
}
