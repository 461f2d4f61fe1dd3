import { createHash, hash } from 'node:crypto';

export type PageHashAlgorithm = 'sha1' | 'sha256';

/** One-shot digest: crypto.hash (Node 20.12 on) skips a Hash object per page; createHash before. */
export function digest(algorithm: PageHashAlgorithm, data: Buffer): Buffer {
  return typeof hash === 'function' ? hash(algorithm, data, 'buffer') : createHash(algorithm).update(data).digest();
}

/** One kind of page hash a CodeDirectory may use. */
export interface PageHashKind {
  algorithm: PageHashAlgorithm;
  pageSize: number;
}

/**
 * Hashes a file page by page as its bytes stream past, up to `end` (the code limit), keeping only
 * the digests (32 bytes per page for SHA-256: 8 MB for a 1 GB binary at 4 KiB pages).
 */
export class PageHasher {
  private digests: Buffer;
  private digestSize: number;
  private count = 0;
  private readonly partial: Buffer;
  private partialBytes = 0;
  private position = 0;

  constructor(readonly kind: PageHashKind, readonly end: number) {
    this.digestSize = kind.algorithm === 'sha1' ? 20 : 32;
    this.digests = Buffer.alloc(this.digestSize * Math.ceil(end / kind.pageSize));
    this.partial = Buffer.alloc(kind.pageSize);
  }

  /** The next bytes of the file (anything past `end` is ignored). */
  push(chunk: Buffer): void {
    let bytes = chunk.subarray(0, Math.max(0, this.end - this.position));
    this.position += bytes.length;
    const pageSize = this.kind.pageSize;
    if (this.partialBytes > 0) {
      const take = Math.min(pageSize - this.partialBytes, bytes.length);
      bytes.copy(this.partial, this.partialBytes, 0, take);
      this.partialBytes += take;
      bytes = bytes.subarray(take);
      if (this.partialBytes < pageSize) return;
      this.store(this.partial);
      this.partialBytes = 0;
    }
    let at = 0;
    for (; at + pageSize <= bytes.length; at += pageSize) this.store(bytes.subarray(at, at + pageSize));
    bytes.copy(this.partial, 0, at);
    this.partialBytes = bytes.length - at;
  }

  /** Digests of every page, the last one short when `end` is not a multiple of the page size. */
  finish(): { digests: Buffer; pages: number; bytesHashed: number } {
    if (this.partialBytes > 0) {
      this.store(this.partial.subarray(0, this.partialBytes));
      this.partialBytes = 0;
    }
    return { digests: this.digests.subarray(0, this.count * this.digestSize), pages: this.count, bytesHashed: this.position };
  }

  private store(page: Buffer): void {
    digest(this.kind.algorithm, page).copy(this.digests, this.count * this.digestSize);
    this.count += 1;
  }
}
