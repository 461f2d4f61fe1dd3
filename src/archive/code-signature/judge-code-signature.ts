import type { Judgement } from '../../domain/judgement.ts';
import type { SignatureEvidence } from './code-signature-scanner.ts';
import { digest } from './page-hasher.ts';
import { parseEntitlementsDer, parseEntitlementsXml, type EntitlementsParse } from './entitlements.ts';
import { CSMAGIC, CSSLOT, parseSuperBlob, type CodeDirectory, type IndexedBlob } from './super-blob.ts';
import { hashTypeName, verifyCodeDirectory } from './verify-code-directory.ts';

const CS_ADHOC = 0x2;
const CS_LINKER_SIGNED = 0x20000;

/**
 * What `codesign --verify` and `codesign -d --entitlements -` would say of a darwin binary, from
 * the evidence of one pass over its bytes: every page against the CodeDirectory, every bound blob
 * against its special slot, and each required entitlement granted.
 */
export function judgeCodeSignature(evidence: SignatureEvidence, required: readonly string[]): Judgement {
  switch (evidence.kind) {
    case 'not-macho':
      return { status: 'skipped', detail: ['not a Mach-O binary: no code signature to verify'], facts: {} };
    case 'unsupported':
    case 'truncated':
      return { status: 'fail', detail: [`code signature not verified: ${evidence.reason}`], facts: {} };
    case 'unsigned':
      return { status: 'fail', detail: ['no code signature (no LC_CODE_SIGNATURE): macOS kills an unsigned arm64 binary at exec'], facts: {} };
  }
  const parsed = parseSuperBlob(evidence.signature);
  if (!parsed.ok) return { status: 'fail', detail: [`code signature is unreadable: ${parsed.reason}`], facts: {} };
  const primary = parsed.codeDirectories.find((cd) => cd.slot === CSSLOT.codeDirectory);
  if (!primary) return { status: 'fail', detail: ['code signature without a CodeDirectory'], facts: {} };

  const checks = parsed.codeDirectories.map((cd) => verifyCodeDirectory(cd, parsed.blobs, evidence.pages, evidence.offset));
  const problems = checks.flatMap((check) => (check.verified ? check.problems : []));
  const unverified = checks.flatMap((check) => (check.verified ? [] : [check.unverified]));
  // Enough that one CodeDirectory is verified: macOS itself picks one (the strongest hash).
  if (unverified.length === checks.length) problems.push(...unverified);
  const granted = grantedEntitlements(parsed.blobs);
  problems.push(...granted.problems);
  const missing = required.filter((name) => !granted.names.includes(name));
  if (missing.length > 0) {
    const has = granted.names.length === 0 ? 'the signature grants no entitlements' : `it grants ${granted.names.join(', ')}`;
    problems.push(`missing entitlement${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (${has})`);
  }
  const facts = signatureFacts(primary, granted.names);
  if (problems.length > 0) return { status: 'fail', detail: problems, facts };
  const kind = primary.flags & CS_ADHOC ? 'ad hoc' : 'signed';
  const verified = parsed.codeDirectories[checks.findIndex((check) => check.verified)]!;
  const summary = `${kind}, ${verified.nCodeSlots} pages of ${verified.pageSize} bytes match their ${hashTypeName(verified.hashType)} hashes`;
  const ents = granted.names.length === 0 ? 'no entitlements' : `entitlements: ${granted.names.join(', ')}`;
  const notes = [...unverified];
  if (parsed.blobs.some((b) => b.type === CSSLOT.signature && b.bytes.length > 8)) {
    notes.push('the CMS signature (Developer ID) is not verified here; the on-host check does that');
  }
  return { status: 'pass', detail: [`${summary}; ${ents}`, ...notes], facts };
}

/** Entitlements granted by the XML blob and, when present, the DER blob (macOS 12 on reads DER): both must agree. */
function grantedEntitlements(blobs: readonly IndexedBlob[]): { names: string[]; problems: string[] } {
  const xmlBlob = blobs.find((b) => b.type === CSSLOT.entitlements);
  const derBlob = blobs.find((b) => b.type === CSSLOT.entitlementsDer);
  const problems: string[] = [];
  const read = (blob: IndexedBlob | undefined, magic: number, parse: (b: Buffer) => EntitlementsParse): string[] | undefined => {
    if (!blob) return undefined;
    if (blob.magic !== magic) {
      problems.push(`entitlements slot ${blob.type} holds a blob with magic 0x${blob.magic.toString(16)}, expected 0x${magic.toString(16)}`);
      return undefined;
    }
    const parsed = parse(blob.bytes);
    if (!parsed.ok) problems.push(parsed.reason);
    return parsed.ok ? parsed.granted : undefined;
  };
  const xml = read(xmlBlob, CSMAGIC.entitlements, parseEntitlementsXml);
  const der = read(derBlob, CSMAGIC.entitlementsDer, parseEntitlementsDer);
  if (xml && der) {
    const onlyXml = xml.filter((n) => !der.includes(n));
    const onlyDer = der.filter((n) => !xml.includes(n));
    if (onlyXml.length + onlyDer.length > 0) {
      problems.push(`XML and DER entitlements disagree (only in XML: ${onlyXml.join(', ') || 'none'}; only in DER: ${onlyDer.join(', ') || 'none'})`);
    }
    return { names: xml.filter((n) => der.includes(n)), problems };
  }
  return { names: xml ?? der ?? [], problems };
}

function signatureFacts(cd: CodeDirectory, entitlements: string[]): Record<string, string> {
  const algorithm = cd.hashType === 1 ? 'sha1' : 'sha256';
  const flags = [cd.flags & CS_ADHOC ? 'adhoc' : '', cd.flags & CS_LINKER_SIGNED ? 'linker-signed' : ''].filter(Boolean);
  return {
    identifier: cd.identifier,
    // codesign's CDHash: the CodeDirectory's hash, cut to 20 bytes.
    cdhash: digest(algorithm, cd.bytes).toString('hex', 0, 20),
    hashType: hashTypeName(cd.hashType),
    pageSize: String(cd.pageSize),
    flags: flags.join(',') || 'none',
    entitlements: entitlements.join(','),
  };
}
