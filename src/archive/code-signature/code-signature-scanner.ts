import { locateSignature, MAX_MACHO_HEAD_BYTES, type SignatureLocation } from './macho-signature-location.ts';
import { PageHasher, type PageHashKind } from './page-hasher.ts';

/**
 * The page-hash kinds computed while the bytes stream past (the CodeDirectory that says which one
 * is used comes last): SHA-256 over 4 KiB pages, what Go's linker and codesign write. Add
 * `{ algorithm: 'sha1', pageSize: 4096 }` for signatures made for macOS before 10.11; each kind
 * costs one more hash of every byte.
 */
export const DEFAULT_PAGE_HASH_KINDS: readonly PageHashKind[] = [{ algorithm: 'sha256', pageSize: 4096 }];

/** The signature cannot exceed this: 1 GiB of code at 4 KiB pages has 8 MiB of SHA-256 hashes. */
export const MAX_SIGNATURE_BYTES = 64 * 1024 * 1024;

/** Page digests of one kind over the bytes before the signature. */
export interface PageDigests {
  kind: PageHashKind;
  digests: Buffer;
  pages: number;
  bytesHashed: number;
}

/** What a pass over a Mach-O gathered for verifying its signature. */
export type SignatureEvidence =
  | Exclude<SignatureLocation, { kind: 'need' } | { kind: 'signed' }>
  | { kind: 'truncated'; reason: string }
  | { kind: 'signed'; offset: number; size: number; fileSize: number; signature: Buffer; pages: PageDigests[] };

/**
 * Gathers a Mach-O's code signature and the hashes of its pages in one pass over its bytes,
 * holding the load commands, the signature (small) and a digest per page, never the file.
 */
export class CodeSignatureScanner {
  private position = 0;
  private head: Buffer[] = [];
  private headBytes = 0;
  private location: SignatureLocation = { kind: 'need', bytes: 8 };
  private hashers: PageHasher[] = [];
  private signature: Buffer | undefined;

  constructor(private readonly kinds: readonly PageHashKind[] = DEFAULT_PAGE_HASH_KINDS) {}

  push(chunk: Buffer): void {
    if (this.location.kind === 'need') return this.pushHead(chunk);
    if (this.location.kind === 'signed') this.consume(chunk);
    this.position += chunk.length;
  }

  result(): SignatureEvidence {
    const where = this.location;
    if (where.kind === 'need') {
      return this.headBytes === 0 ? { kind: 'not-macho' } : { kind: 'truncated', reason: `file ends inside the Mach-O load commands (${this.headBytes} bytes)` };
    }
    if (where.kind !== 'signed') return where;
    if (this.position < where.offset + where.size) {
      return { kind: 'truncated', reason: `file of ${this.position} bytes ends before its code signature (bytes ${where.offset}–${where.offset + where.size - 1})` };
    }
    const pages = this.hashers.map((hasher) => ({ kind: hasher.kind, ...hasher.finish() }));
    return { kind: 'signed', offset: where.offset, size: where.size, fileSize: this.position, signature: this.signature!, pages };
  }

  private pushHead(chunk: Buffer): void {
    this.head.push(Buffer.from(chunk));
    this.headBytes += chunk.length;
    const needed = (this.location as { bytes: number }).bytes;
    if (this.headBytes < needed) return;
    const head = Buffer.concat(this.head, this.headBytes);
    this.head = [head];
    this.location = locateSignature(head);
    if (this.location.kind === 'need') {
      if (this.location.bytes > MAX_MACHO_HEAD_BYTES) this.location = { kind: 'unsupported', reason: 'load commands beyond 1 MiB' };
      return;
    }
    this.head = [];
    if (this.location.kind === 'signed') this.start(this.location.offset, this.location.size);
    this.push(head);
  }

  private start(offset: number, size: number): void {
    if (size > MAX_SIGNATURE_BYTES) {
      this.location = { kind: 'unsupported', reason: `code signature of ${size} bytes is beyond ${MAX_SIGNATURE_BYTES}` };
      return;
    }
    this.signature = Buffer.alloc(size);
    this.hashers = this.kinds.map((kind) => new PageHasher(kind, offset));
  }

  private consume(chunk: Buffer): void {
    for (const hasher of this.hashers) hasher.push(chunk);
    const { offset, size } = this.location as { offset: number; size: number };
    const from = Math.max(offset, this.position);
    const to = Math.min(offset + size, this.position + chunk.length);
    if (from < to) chunk.copy(this.signature!, from - offset, from - this.position, to - this.position);
  }
}
