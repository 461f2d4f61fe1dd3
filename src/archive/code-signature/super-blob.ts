/** Magic numbers of the blobs in an embedded code signature (big-endian, as cs_blobs.h names them). */
export const CSMAGIC = {
  embeddedSignature: 0xfade0cc0,
  codeDirectory: 0xfade0c02,
  requirements: 0xfade0c01,
  entitlements: 0xfade7171,
  entitlementsDer: 0xfade7172,
  blobWrapper: 0xfade0b01,
} as const;

/** Slot types in the SuperBlob's index; the special slots of a CodeDirectory use the same numbers. */
export const CSSLOT = {
  codeDirectory: 0,
  requirements: 2,
  entitlements: 5,
  entitlementsDer: 7,
  alternateCodeDirectories: 0x1000,
  signature: 0x10000,
} as const;

/** One blob of the SuperBlob: its slot type and its bytes (magic and length included). */
export interface IndexedBlob {
  type: number;
  magic: number;
  bytes: Buffer;
}

export interface CodeDirectory {
  /** Slot type: 0 for the primary, 0x1000… for alternates. */
  slot: number;
  version: number;
  flags: number;
  hashOffset: number;
  identifier: string;
  nSpecialSlots: number;
  nCodeSlots: number;
  codeLimit: number;
  hashSize: number;
  hashType: number;
  /** In bytes (the blob stores log2). 0 means one hash over the whole code. */
  pageSize: number;
  bytes: Buffer;
}

export type SuperBlobParse = { ok: true; blobs: IndexedBlob[]; codeDirectories: CodeDirectory[] } | { ok: false; reason: string };

/** Parses the SuperBlob and its CodeDirectories, checking every offset against the bytes. */
export function parseSuperBlob(signature: Buffer): SuperBlobParse {
  if (signature.length < 12 || signature.readUInt32BE(0) !== CSMAGIC.embeddedSignature) {
    const magic = signature.length >= 4 ? `0x${signature.readUInt32BE(0).toString(16)}` : 'none';
    return { ok: false, reason: `no embedded signature SuperBlob (magic ${magic}, expected 0xfade0cc0)` };
  }
  const length = signature.readUInt32BE(4);
  const count = signature.readUInt32BE(8);
  if (length > signature.length || 12 + count * 8 > length) return { ok: false, reason: `SuperBlob of ${length} bytes with ${count} blobs does not fit in the ${signature.length} bytes of LC_CODE_SIGNATURE` };
  const blobs: IndexedBlob[] = [];
  const codeDirectories: CodeDirectory[] = [];
  for (let i = 0; i < count; i++) {
    const type = signature.readUInt32BE(12 + i * 8);
    const offset = signature.readUInt32BE(16 + i * 8);
    if (offset + 8 > length) return { ok: false, reason: `blob ${i} (slot 0x${type.toString(16)}) starts past the SuperBlob` };
    const blobLength = signature.readUInt32BE(offset + 4);
    if (blobLength < 8 || offset + blobLength > length) return { ok: false, reason: `blob ${i} (slot 0x${type.toString(16)}) of ${blobLength} bytes runs past the SuperBlob` };
    const bytes = signature.subarray(offset, offset + blobLength);
    const blob = { type, magic: bytes.readUInt32BE(0), bytes };
    blobs.push(blob);
    if (blob.magic === CSMAGIC.codeDirectory) {
      const cd = parseCodeDirectory(type, bytes);
      if (typeof cd === 'string') return { ok: false, reason: cd };
      codeDirectories.push(cd);
    }
  }
  return { ok: true, blobs, codeDirectories };
}

function parseCodeDirectory(slot: number, bytes: Buffer): CodeDirectory | string {
  if (bytes.length < 44) return `CodeDirectory of ${bytes.length} bytes is shorter than its header`;
  const version = bytes.readUInt32BE(8);
  const hashOffset = bytes.readUInt32BE(16);
  const identOffset = bytes.readUInt32BE(20);
  const nSpecialSlots = bytes.readUInt32BE(24);
  const nCodeSlots = bytes.readUInt32BE(28);
  const hashSize = bytes[36]!;
  const pageLog = bytes[39]!;
  // codeLimit64 (version 0x20300 on) replaces codeLimit for code beyond 4 GiB.
  const codeLimit64 = version >= 0x20300 && bytes.length >= 64 ? Number(bytes.readBigUInt64BE(56)) : 0;
  const codeLimit = codeLimit64 || bytes.readUInt32BE(32);
  if (hashOffset - nSpecialSlots * hashSize < 44 || hashOffset + nCodeSlots * hashSize > bytes.length) {
    return `CodeDirectory's ${nSpecialSlots} special and ${nCodeSlots} code slots of ${hashSize} bytes lie outside it`;
  }
  const identEnd = bytes.indexOf(0, identOffset);
  return {
    slot,
    version,
    flags: bytes.readUInt32BE(12),
    hashOffset,
    identifier: identOffset < bytes.length && identEnd !== -1 ? bytes.toString('utf8', identOffset, identEnd) : '',
    nSpecialSlots,
    nCodeSlots,
    codeLimit,
    hashSize,
    hashType: bytes[37]!,
    pageSize: pageLog === 0 ? 0 : 2 ** pageLog,
    bytes,
  };
}

/** The hash stored in a code slot (0…) or a special slot (-1 for Info.plist … -7 for DER entitlements). */
export function slotHash(cd: CodeDirectory, slot: number): Buffer {
  const at = cd.hashOffset + slot * cd.hashSize;
  return cd.bytes.subarray(at, at + cd.hashSize);
}
