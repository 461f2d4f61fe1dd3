import { createHash, hash } from 'node:crypto';

/**
 * An ad-hoc code signature for a stand-in darwin binary, laid out as codesign writes one:
 * SuperBlob → CodeDirectory (SHA-256, 4 KiB pages), empty requirements, entitlements as XML and
 * DER bound by special slots 5 and 7. Its size is known before the bytes are, so the Mach-O
 * header can point at it; the pages are hashed as they stream past, never held.
 */
export class AdHocSigner {
  readonly size: number;
  private readonly blobs: Array<{ type: number; bytes: Buffer }>;
  private readonly pages: number;
  private readonly cdLength: number;
  private readonly digests: Buffer[] = [];
  private page = createHash('sha256');
  private inPage = 0;
  private seen = 0;

  constructor(
    private readonly codeSize: number,
    entitlements: readonly string[],
    private readonly identifier = 'ephemerd',
  ) {
    this.blobs = [{ type: 2, bytes: blob(0xfade0c01, Buffer.alloc(4)) }];
    if (entitlements.length > 0) {
      this.blobs.push({ type: 5, bytes: blob(0xfade7171, Buffer.from(entitlementsXml(entitlements))) });
      this.blobs.push({ type: 7, bytes: blob(0xfade7172, entitlementsDer(entitlements)) });
    }
    this.pages = Math.ceil(codeSize / PAGE);
    this.cdLength = 88 + identifier.length + 1 + (SPECIAL + this.pages) * 32;
    this.size = 12 + 8 * (this.blobs.length + 1) + this.cdLength + this.blobs.reduce((n, b) => n + b.bytes.length, 0);
  }

  /** The bytes before the signature, in order. */
  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(PAGE - this.inPage, chunk.length - at);
      this.page.update(chunk.subarray(at, at + take));
      this.inPage += take;
      at += take;
      if (this.inPage === PAGE) this.endPage();
    }
    this.seen += chunk.length;
  }

  /** The signature, once all `codeSize` bytes were pushed. */
  signature(): Buffer {
    if (this.seen !== this.codeSize) throw new Error(`stand-in signature: got ${this.seen} bytes, expected ${this.codeSize}`);
    if (this.inPage > 0) this.endPage();
    const cd = Buffer.alloc(this.cdLength);
    const hashOffset = 88 + this.identifier.length + 1 + SPECIAL * 32;
    cd.writeUInt32BE(0xfade0c02, 0);
    cd.writeUInt32BE(this.cdLength, 4);
    cd.writeUInt32BE(0x20400, 8);
    cd.writeUInt32BE(0x2, 12); // adhoc
    cd.writeUInt32BE(hashOffset, 16);
    cd.writeUInt32BE(88, 20);
    cd.writeUInt32BE(SPECIAL, 24);
    cd.writeUInt32BE(this.pages, 28);
    cd.writeUInt32BE(this.codeSize, 32);
    cd[36] = 32;
    cd[37] = 2; // SHA-256
    cd[39] = 12;
    cd.writeBigUInt64BE(BigInt(this.codeSize), 72);
    cd.writeBigUInt64BE(1n, 80); // CS_EXECSEG_MAIN_BINARY
    cd.write(this.identifier, 88, 'utf8');
    for (const { type, bytes } of this.blobs) hash('sha256', bytes, 'buffer').copy(cd, hashOffset - type * 32);
    this.digests.forEach((d, i) => d.copy(cd, hashOffset + i * 32));
    const sig = Buffer.alloc(this.size);
    writeSuperBlob(sig, [{ type: 0, bytes: cd }, ...this.blobs]);
    return sig;
  }

  private endPage(): void {
    this.digests.push(this.page.digest());
    this.page = createHash('sha256');
    this.inPage = 0;
  }
}

/** Writes a SuperBlob (its index, then each blob in order) over the whole of `into`. */
export function writeSuperBlob(into: Buffer, blobs: readonly { type: number; bytes: Buffer }[]): void {
  into.writeUInt32BE(0xfade0cc0, 0);
  into.writeUInt32BE(into.length, 4);
  into.writeUInt32BE(blobs.length, 8);
  let at = 12 + 8 * blobs.length;
  blobs.forEach(({ type, bytes }, i) => {
    into.writeUInt32BE(type, 12 + 8 * i);
    into.writeUInt32BE(at, 16 + 8 * i);
    bytes.copy(into, at);
    at += bytes.length;
  });
}

/** Adds LC_CODE_SIGNATURE as the only load command of a stand-in's thin 64-bit Mach-O header. */
export function addCodeSignatureCommand(header: Buffer, offset: number, size: number): void {
  header.writeUInt32LE(1, 16); // ncmds
  header.writeUInt32LE(16, 20); // sizeofcmds
  header.writeUInt32LE(0x1d, 32); // LC_CODE_SIGNATURE
  header.writeUInt32LE(16, 36);
  header.writeUInt32LE(offset, 40);
  header.writeUInt32LE(size, 44);
}

const PAGE = 4096;
/** Special slots through 7 (DER entitlements). */
const SPECIAL = 7;

/** A signature blob: its magic and length, then the payload. */
export function blob(magic: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(magic, 0);
  head.writeUInt32BE(8 + payload.length, 4);
  return Buffer.concat([head, payload]);
}

/** The plist codesign embeds, in Apple's layout. */
export function entitlementsXml(names: readonly string[]): string {
  const entries = names.map((name) => `\t<key>${name}</key>\n\t<true/>\n`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
    `<plist version="1.0">\n<dict>\n${entries}</dict>\n</plist>\n`
  );
}

/** [APPLICATION 16] { INTEGER 1, [CONTEXT 16] { SEQUENCE { UTF8String, BOOLEAN TRUE } … } }, keys sorted. */
export function entitlementsDer(names: readonly string[]): Buffer {
  const entries = [...names].sort().map((name) => der(0x30, Buffer.concat([der(0x0c, Buffer.from(name)), der(0x01, Buffer.from([0xff]))])));
  return der(0x70, Buffer.concat([der(0x02, Buffer.from([1])), der(0xb0, Buffer.concat(entries))]));
}

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
