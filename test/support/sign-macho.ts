import { hash } from 'node:crypto';
import { blob, entitlementsDer, entitlementsXml, writeSuperBlob } from '../../src/sandbox/stand-in/ad-hoc-signature.ts';

/**
 * A small ad-hoc signer for tests, laid out as codesign writes a signature: SuperBlob →
 * CodeDirectory (v0x20400, 4 KiB pages), empty requirements, entitlements as XML and DER bound
 * by special slots 5 and 7. It re-signs a thin 64-bit little-endian Mach-O in place of its
 * current signature (the signature keeps its offset; __LINKEDIT is resized).
 */
export interface SignOptions {
  entitlements?: string[];
  /** Which entitlement blobs to write (default both). */
  entitlementForms?: Array<'xml' | 'der'>;
  /** 2 = SHA-256 (default), 1 = SHA-1. */
  hashType?: 1 | 2;
  identifier?: string;
  /** Special slots in the CodeDirectory (default 7: through DER entitlements); fewer leaves blobs unbound. */
  specialSlots?: number;
}

const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const PAGE = 4096;

export function signMachO(binary: Buffer, options: SignOptions = {}): Buffer {
  const { sigCmd, linkedit, text } = loadCommands(binary);
  const offset = binary.readUInt32LE(sigCmd + 8);
  const entitlements = options.entitlements ?? [];
  const forms = options.entitlementForms ?? ['xml', 'der'];
  const blobs: Array<{ type: number; bytes: Buffer }> = [{ type: 2, bytes: blob(0xfade0c01, Buffer.alloc(4)) }];
  if (entitlements.length > 0 && forms.includes('xml')) blobs.push({ type: 5, bytes: blob(0xfade7171, Buffer.from(entitlementsXml(entitlements))) });
  if (entitlements.length > 0 && forms.includes('der')) blobs.push({ type: 7, bytes: blob(0xfade7172, entitlementsDer(entitlements)) });

  // The CodeDirectory's size does not depend on the hashes, so the signature's size is known first.
  const hashType = options.hashType ?? 2;
  const identifier = options.identifier ?? 'ephemerd';
  const pages = Math.ceil(offset / PAGE);
  const hashSize = hashType === 1 ? 20 : 32;
  const special = options.specialSlots ?? 7;
  const cdLength = 88 + identifier.length + 1 + (special + pages) * hashSize;
  const sigLength = 12 + 8 * (blobs.length + 1) + cdLength + blobs.reduce((n, b) => n + b.bytes.length, 0);

  const out = Buffer.alloc(offset + sigLength);
  binary.copy(out, 0, 0, offset);
  out.writeUInt32LE(sigLength, sigCmd + 12);
  const linkeditFileoff = Number(out.readBigUInt64LE(linkedit + 40));
  const linkeditSize = offset + sigLength - linkeditFileoff;
  out.writeBigUInt64LE(BigInt(linkeditSize), linkedit + 48);
  out.writeBigUInt64LE(BigInt(Math.ceil(linkeditSize / 0x4000) * 0x4000), linkedit + 32);

  const algorithm = hashType === 1 ? 'sha1' : 'sha256';
  const cd = Buffer.alloc(cdLength);
  const hashOffset = 88 + identifier.length + 1 + special * hashSize;
  cd.writeUInt32BE(0xfade0c02, 0);
  cd.writeUInt32BE(cdLength, 4);
  cd.writeUInt32BE(0x20400, 8);
  cd.writeUInt32BE(0x2, 12); // adhoc
  cd.writeUInt32BE(hashOffset, 16);
  cd.writeUInt32BE(88, 20);
  cd.writeUInt32BE(special, 24);
  cd.writeUInt32BE(pages, 28);
  cd.writeUInt32BE(offset, 32);
  cd[36] = hashSize;
  cd[37] = hashType;
  cd[39] = 12;
  cd.writeBigUInt64BE(BigInt(text.fileoff), 64);
  cd.writeBigUInt64BE(BigInt(text.filesize), 72);
  cd.writeBigUInt64BE(1n, 80); // CS_EXECSEG_MAIN_BINARY
  cd.write(identifier, 88, 'utf8');
  for (const { type, bytes } of blobs.filter((b) => b.type <= special)) hash(algorithm, bytes, 'buffer').copy(cd, hashOffset - type * hashSize);
  for (let page = 0; page < pages; page++) {
    hash(algorithm, out.subarray(page * PAGE, Math.min(offset, (page + 1) * PAGE)), 'buffer').copy(cd, hashOffset + page * hashSize);
  }

  writeSuperBlob(out.subarray(offset, offset + sigLength), [{ type: 0, bytes: cd }, ...blobs]);
  return out;
}

function loadCommands(binary: Buffer): { sigCmd: number; linkedit: number; text: { fileoff: number; filesize: number } } {
  if (binary.readUInt32LE(0) !== 0xfeedfacf) throw new Error('signMachO: only thin 64-bit little-endian Mach-O');
  const ncmds = binary.readUInt32LE(16);
  let at = 32;
  let sigCmd = -1;
  let linkedit = -1;
  let text = { fileoff: 0, filesize: 0 };
  for (let i = 0; i < ncmds; i++) {
    const cmd = binary.readUInt32LE(at);
    if (cmd === LC_CODE_SIGNATURE) sigCmd = at;
    if (cmd === LC_SEGMENT_64) {
      const name = binary.toString('latin1', at + 8, at + 24).replace(/\0+$/, '');
      if (name === '__LINKEDIT') linkedit = at;
      if (name === '__TEXT') text = { fileoff: Number(binary.readBigUInt64LE(at + 40)), filesize: Number(binary.readBigUInt64LE(at + 48)) };
    }
    at += binary.readUInt32LE(at + 4);
  }
  if (sigCmd === -1 || linkedit === -1) throw new Error('signMachO: needs a binary that has LC_CODE_SIGNATURE and __LINKEDIT');
  return { sigCmd, linkedit, text };
}

export { entitlementsDer, entitlementsXml };
