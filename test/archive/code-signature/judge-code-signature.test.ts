import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CodeSignatureScanner, DEFAULT_PAGE_HASH_KINDS, type SignatureEvidence } from '../../../src/archive/code-signature/code-signature-scanner.ts';
import type { PageHashKind } from '../../../src/archive/code-signature/page-hasher.ts';
import { judgeCodeSignature } from '../../../src/archive/code-signature/judge-code-signature.ts';
import { readCodeSignature } from '../../../src/archive/code-signature/read-code-signature.ts';
import { DEFAULT_RELEASE } from '../../../src/config/defaults.ts';
import { signMachO } from '../../support/sign-macho.ts';
import { randomChunks, TEST_BINARIES } from '../../support/test-binaries.ts';

const DARWIN = TEST_BINARIES.find((b) => b.platform === 'darwin/arm64')!.file;
const VIRT = 'com.apple.security.virtualization';
const REQUIRED = DEFAULT_RELEASE.entitlements;

/** The evidence with its large buffers replaced by their SHA-256, so two scans compare quickly. */
function digestOf(evidence: SignatureEvidence): unknown {
  if (evidence.kind !== 'signed') return evidence;
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  return { ...evidence, signature: sha(evidence.signature), pages: evidence.pages.map((p) => ({ ...p, digests: sha(p.digests) })) };
}

function scan(chunks: Iterable<Buffer>, kinds?: readonly PageHashKind[]): SignatureEvidence {
  const scanner = new CodeSignatureScanner(kinds);
  for (const chunk of chunks) scanner.push(chunk);
  return scanner.result();
}

const real = readFileSync(DARWIN);
/** Where the Go linker put the signature: the code limit. */
const signatureOffset = (binary: Buffer): number => {
  for (let at = 32, i = 0; i < binary.readUInt32LE(16); i++, at += binary.readUInt32LE(at + 4)) {
    if (binary.readUInt32LE(at) === 0x1d) return binary.readUInt32LE(at + 8);
  }
  throw new Error('no LC_CODE_SIGNATURE');
};
const withByteChanged = (binary: Buffer, at: number): Buffer => {
  const copy = Buffer.from(binary);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};

describe("judgeCodeSignature on esbuild's darwin/arm64 binary (ad hoc, signed by Go's linker)", () => {
  it('verifies all its pages and says it grants no entitlements', async () => {
    const judgement = judgeCodeSignature(await readCodeSignature(createReadStream(DARWIN)), []);
    expect(judgement).toEqual({
      status: 'pass',
      detail: [`ad hoc, ${Math.ceil(signatureOffset(real) / 4096)} pages of 4096 bytes match their SHA-256 hashes; no entitlements`],
      facts: expect.objectContaining({ identifier: 'a.out', hashType: 'SHA-256', pageSize: '4096', flags: 'adhoc,linker-signed', entitlements: '' }),
    });
    expect(judgement.facts.cdhash).toMatch(/^[0-9a-f]{40}$/);
  });

  it('fails it for the missing virtualization entitlement, naming it', async () => {
    const judgement = judgeCodeSignature(await readCodeSignature(createReadStream(DARWIN)), REQUIRED);
    expect(judgement.status).toBe('fail');
    expect(judgement.detail).toEqual([`missing entitlement ${VIRT} (the signature grants no entitlements)`]);
  });

  it('gives the same evidence whatever the chunk sizes', () => {
    const whole = digestOf(scan([real]));
    expect(whole).toMatchObject({ kind: 'signed', fileSize: real.length });
    for (const [seed, max] of [[4, 300], [5, 70_000], [6, 4097]] as const) {
      expect(digestOf(scan(randomChunks(real, seed, max)))).toEqual(whole);
    }
  });

  it('names the page of a byte changed after signing: in the header, the middle and the short last page', () => {
    const end = signatureOffset(real);
    const lastPage = Math.floor((end - 1) / 4096);
    for (const at of [20, 5_000_000, end - 1]) {
      const page = Math.floor(at / 4096);
      const judgement = judgeCodeSignature(scan(randomChunks(withByteChanged(real, at), at, 65_536)), []);
      expect(judgement.status).toBe('fail');
      const last = page === lastPage ? end - 1 : page * 4096 + 4095;
      expect(judgement.detail).toEqual([
        `a page changed after signing: page ${page} (bytes ${page * 4096}–${last}) does not match the SHA-256 in the CodeDirectory (macOS kills it at exec)`,
      ]);
    }
  });

  it('names several changed pages, the first five, and counts the rest', () => {
    let tampered: Buffer = real;
    for (const page of [3, 10, 11, 200, 300, 400, 500]) tampered = withByteChanged(tampered, page * 4096 + 7);
    const [line] = judgeCodeSignature(scan([tampered]), []).detail;
    expect(line).toBe(
      '7 pages changed after signing: page 3 (bytes 12288–16383), page 10 (bytes 40960–45055), page 11 (bytes 45056–49151), ' +
        'page 200 (bytes 819200–823295), page 300 (bytes 1228800–1232895) and 2 more do not match the SHA-256 in the CodeDirectory (macOS kills it at exec)',
    );
  });
});

describe('judgeCodeSignature on binaries the tests sign with entitlements', () => {
  const signed = signMachO(real, { entitlements: [VIRT, 'com.apple.security.network.server'] });

  it('passes a signature that grants the virtualization entitlement in XML and DER', () => {
    const judgement = judgeCodeSignature(scan(randomChunks(signed, 11, 50_000)), REQUIRED);
    expect(judgement.status).toBe('pass');
    expect(judgement.detail).toEqual([
      `ad hoc, ${Math.ceil(signatureOffset(real) / 4096)} pages of 4096 bytes match their SHA-256 hashes; entitlements: ${VIRT}, com.apple.security.network.server`,
    ]);
    expect(judgement.facts).toMatchObject({ identifier: 'ephemerd', flags: 'adhoc', entitlements: `${VIRT},com.apple.security.network.server` });
  });

  it('fails a signature that grants other entitlements only, naming the missing one and what it grants', () => {
    const other = signMachO(real, { entitlements: ['com.apple.security.network.client'] });
    expect(judgeCodeSignature(scan([other]), REQUIRED).detail).toEqual([
      `missing entitlement ${VIRT} (it grants com.apple.security.network.client)`,
    ]);
  });

  it('fails entitlements changed after signing: the XML blob against slot 5, the DER blob against slot 7', () => {
    const xmlAt = signed.indexOf('security.network.server</key>');
    const xml = Buffer.from(signed);
    xml.write('security.network.client</key>', xmlAt);
    expect(judgeCodeSignature(scan([xml]), []).detail).toEqual([
      'entitlements (XML) blob does not match its hash in special slot 5 of the CodeDirectory: changed after signing',
      'XML and DER entitlements disagree (only in XML: com.apple.security.network.client; only in DER: com.apple.security.network.server)',
    ]);
    const derAt = signed.lastIndexOf('security.network.server');
    const der = Buffer.from(signed);
    der.write('security.network.client', derAt);
    expect(judgeCodeSignature(scan([der]), []).detail[0]).toBe(
      'entitlements (DER) blob does not match its hash in special slot 7 of the CodeDirectory: changed after signing',
    );
  });

  it('fails entitlements the CodeDirectory does not bind (too few special slots)', () => {
    const unbound = signMachO(real, { entitlements: [VIRT], specialSlots: 5 });
    expect(judgeCodeSignature(scan([unbound]), REQUIRED).detail).toEqual([
      'entitlements (DER) blob is not bound by the CodeDirectory (it has 5 special slots, slot 7 is needed)',
    ]);
  });

  it('reads either form alone', () => {
    for (const form of ['xml', 'der'] as const) {
      const one = signMachO(real, { entitlements: [VIRT], entitlementForms: [form] });
      expect(judgeCodeSignature(scan([one]), REQUIRED).status, form).toBe('pass');
    }
  });

  it('verifies SHA-1 signatures (hash type 1) when asked to hash SHA-1 pages, and names a changed page in them', () => {
    const sha1 = signMachO(real, { entitlements: [VIRT], hashType: 1 });
    const kinds = [...DEFAULT_PAGE_HASH_KINDS, { algorithm: 'sha1', pageSize: 4096 } as const];
    expect(judgeCodeSignature(scan([sha1]), REQUIRED).detail).toEqual([
      'CodeDirectory uses SHA-1 over 4096-byte pages, which this pass did not hash',
    ]);
    const good = judgeCodeSignature(scan(randomChunks(sha1, 12, 9000), kinds), REQUIRED);
    expect(good.detail[0]).toMatch(/^ad hoc, \d+ pages of 4096 bytes match their SHA-1 hashes; entitlements: com\.apple\.security\.virtualization$/);
    expect(good.facts.hashType).toBe('SHA-1');
    const bad = judgeCodeSignature(scan([withByteChanged(sha1, 8192)], kinds), REQUIRED);
    expect(bad.detail).toEqual([
      'a page changed after signing: page 2 (bytes 8192–12287) does not match the SHA-1 in the CodeDirectory (macOS kills it at exec)',
    ]);
  });
});

describe('judgeCodeSignature on what is not a signed thin Mach-O', () => {
  it('skips a binary that is not Mach-O', async () => {
    const linux = TEST_BINARIES.find((b) => b.platform === 'linux/amd64')!.file;
    expect(judgeCodeSignature(await readCodeSignature(createReadStream(linux)), REQUIRED).status).toBe('skipped');
  });

  it('fails an unsigned Mach-O, a truncated one, and a universal one, saying which', () => {
    const unsigned = Buffer.from(real);
    for (let at = 32, i = 0; i < unsigned.readUInt32LE(16); i++, at += unsigned.readUInt32LE(at + 4)) {
      if (unsigned.readUInt32LE(at) === 0x1d) unsigned.writeUInt32LE(0x26, at); // LC_FUNCTION_STARTS: same shape, no signature
    }
    expect(judgeCodeSignature(scan([unsigned]), []).detail).toEqual([
      'no code signature (no LC_CODE_SIGNATURE): macOS kills an unsigned arm64 binary at exec',
    ]);
    const cut = real.subarray(0, signatureOffset(real) + 100);
    expect(judgeCodeSignature(scan([cut]), []).detail[0]).toMatch(/^code signature not verified: file of \d+ bytes ends before its code signature/);
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(1, 4);
    expect(judgeCodeSignature(scan([fat]), []).detail[0]).toBe(
      'code signature not verified: a universal (fat) Mach-O: its slices are not verified one by one here',
    );
  });

  it('fails a signature whose code limit does not reach the signature (bytes appended to the code)', () => {
    const signed = signMachO(real, { entitlements: [VIRT] });
    const offset = signatureOffset(real);
    // Move the signature 16 bytes later without re-signing: the code limit no longer matches.
    const moved = Buffer.concat([signed.subarray(0, offset), Buffer.alloc(16), signed.subarray(offset)]);
    for (let at = 32, i = 0; i < moved.readUInt32LE(16); i++, at += moved.readUInt32LE(at + 4)) {
      if (moved.readUInt32LE(at) === 0x1d) moved.writeUInt32LE(offset + 16, at + 8);
    }
    const judgement = judgeCodeSignature(scan([moved]), REQUIRED);
    expect(judgement.status).toBe('fail');
    expect(judgement.detail[0]).toBe(
      `CodeDirectory covers ${offset} bytes of code, but the signature starts at byte ${offset + 16}: the bytes between are not what was signed`,
    );
  });
});
