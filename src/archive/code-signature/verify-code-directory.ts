import type { PageDigests } from './code-signature-scanner.ts';
import { digest, type PageHashAlgorithm } from './page-hasher.ts';
import { CSSLOT, slotHash, type CodeDirectory, type IndexedBlob } from './super-blob.ts';

/** cs_blobs.h hash types: the algorithm, and how many bytes of its digest a slot holds. */
const HASH_TYPES: Record<number, { algorithm: PageHashAlgorithm; size: number; name: string }> = {
  1: { algorithm: 'sha1', size: 20, name: 'SHA-1' },
  2: { algorithm: 'sha256', size: 32, name: 'SHA-256' },
  3: { algorithm: 'sha256', size: 20, name: 'SHA-256 (truncated)' },
};

/** The blobs a special slot binds, by slot number, and what a person calls them. */
const BOUND_BLOBS: ReadonlyArray<{ slot: number; what: string }> = [
  { slot: CSSLOT.requirements, what: 'requirements' },
  { slot: CSSLOT.entitlements, what: 'entitlements (XML)' },
  { slot: CSSLOT.entitlementsDer, what: 'entitlements (DER)' },
];

const MAX_PAGES_NAMED = 5;

export function hashTypeName(type: number): string {
  return HASH_TYPES[type]?.name ?? `hash type ${type}`;
}

/**
 * What one CodeDirectory says of the file: `problems` between its page hashes and the pages as
 * they are now, and between its special slots and the blobs beside it; or `unverified` when it
 * uses a hash this pass did not compute (another CodeDirectory of the signature may cover it).
 */
export type CodeDirectoryCheck = { verified: true; problems: string[] } | { verified: false; unverified: string };

export function verifyCodeDirectory(cd: CodeDirectory, blobs: readonly IndexedBlob[], pages: readonly PageDigests[], signatureOffset: number): CodeDirectoryCheck {
  const which = cd.slot === CSSLOT.codeDirectory ? 'CodeDirectory' : `alternate CodeDirectory (slot 0x${cd.slot.toString(16)})`;
  const type = HASH_TYPES[cd.hashType];
  if (!type) return { verified: false, unverified: `${which} uses ${hashTypeName(cd.hashType)}, which is not verified here` };
  if (cd.hashSize !== type.size) return { verified: true, problems: [`${which}: ${type.name} slots of ${cd.hashSize} bytes, expected ${type.size}`] };
  if (cd.pageSize !== 0 && !pages.some((p) => p.kind.algorithm === type.algorithm && p.kind.pageSize === cd.pageSize)) {
    return { verified: false, unverified: `${which} uses ${type.name} over ${cd.pageSize}-byte pages, which this pass did not hash` };
  }
  const problems = [...verifyPages(cd, which, type, pages, signatureOffset)];
  for (const { slot, what } of BOUND_BLOBS) {
    const blob = blobs.find((b) => b.type === slot);
    const stored = cd.nSpecialSlots >= slot ? slotHash(cd, -slot) : undefined;
    if (blob && !stored) problems.push(`${what} blob is not bound by the ${which} (it has ${cd.nSpecialSlots} special slots, slot ${slot} is needed)`);
    else if (blob && stored && !digest(type.algorithm, blob.bytes).subarray(0, type.size).equals(stored)) {
      problems.push(`${what} blob does not match its hash in special slot ${slot} of the ${which}: changed after signing`);
    } else if (!blob && stored && stored.some((byte) => byte !== 0)) {
      problems.push(`special slot ${slot} of the ${which} hashes ${what} that the signature does not hold`);
    }
  }
  return { verified: true, problems };
}

function verifyPages(cd: CodeDirectory, which: string, type: { algorithm: PageHashAlgorithm; size: number; name: string }, pages: readonly PageDigests[], signatureOffset: number): string[] {
  if (cd.pageSize === 0) return [`${which} hashes the code as one page, which is not verified here`];
  if (cd.codeLimit !== signatureOffset) {
    return [`${which} covers ${cd.codeLimit} bytes of code, but the signature starts at byte ${signatureOffset}: the bytes between are not what was signed`];
  }
  const expectedSlots = Math.ceil(cd.codeLimit / cd.pageSize);
  if (cd.nCodeSlots !== expectedSlots) return [`${which} has ${cd.nCodeSlots} page hashes for ${cd.codeLimit} bytes of code, expected ${expectedSlots}`];
  const ours = pages.find((p) => p.kind.algorithm === type.algorithm && p.kind.pageSize === cd.pageSize)!;
  const digestSize = type.algorithm === 'sha1' ? 20 : 32;
  const changed: number[] = [];
  for (let page = 0; page < cd.nCodeSlots; page++) {
    const at = page * digestSize;
    if (!ours.digests.subarray(at, at + type.size).equals(slotHash(cd, page))) changed.push(page);
  }
  if (changed.length === 0) return [];
  const named = changed.slice(0, MAX_PAGES_NAMED).map((page) => {
    const end = Math.min(cd.codeLimit, (page + 1) * cd.pageSize) - 1;
    return `page ${page} (bytes ${page * cd.pageSize}–${end})`;
  });
  const more = changed.length > MAX_PAGES_NAMED ? ` and ${changed.length - MAX_PAGES_NAMED} more` : '';
  const count = changed.length === 1 ? 'a page' : `${changed.length} pages`;
  return [`${count} changed after signing: ${named.join(', ')}${more} do${changed.length === 1 ? 'es' : ''} not match the ${type.name} in the ${which} (macOS kills it at exec)`];
}
