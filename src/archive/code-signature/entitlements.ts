import { readPlistDict, type PlistScalar } from './plist-xml.ts';

/** Entitlements granted (value `true`), or why the blob could not be read. */
export type EntitlementsParse = { ok: true; granted: string[] } | { ok: false; reason: string };

/** The XML entitlements blob (0xfade7171): a property list whose top dict maps names to values. */
export function parseEntitlementsXml(blob: Buffer): EntitlementsParse {
  const xml = blob.toString('utf8', 8);
  let dict: Map<string, PlistScalar>;
  try {
    dict = readPlistDict(xml);
  } catch (err) {
    return { ok: false, reason: `entitlements XML is not a property list: ${(err as Error).message}` };
  }
  return { ok: true, granted: [...dict].filter(([, value]) => value === true).map(([name]) => name) };
}

const TAG = { boolean: 0x01, integer: 0x02, utf8: 0x0c, sequence: 0x30, application16: 0x70, dict: 0xb0 } as const;

interface Tlv {
  tag: number;
  content: Buffer;
  next: number;
}

/** One DER element at `at`; undefined when it is cut off or uses a form DER forbids. */
function readTlv(buf: Buffer, at: number): Tlv | undefined {
  if (at + 2 > buf.length) return undefined;
  const tag = buf[at]!;
  let length = buf[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4 || start + octets > buf.length) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + buf[start + i]!;
    start += octets;
  }
  if (start + length > buf.length) return undefined;
  return { tag, content: buf.subarray(start, start + length), next: start + length };
}

function children(buf: Buffer): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let at = 0; at < buf.length; ) {
    const tlv = readTlv(buf, at);
    if (!tlv) return undefined;
    out.push(tlv);
    at = tlv.next;
  }
  return out;
}

/**
 * The DER entitlements blob (0xfade7172), as codesign writes it: [APPLICATION 16] { INTEGER 1,
 * [CONTEXT 16] { SEQUENCE { UTF8String name, value } … } }. Only `BOOLEAN TRUE` values grant.
 */
export function parseEntitlementsDer(blob: Buffer): EntitlementsParse {
  const bad = (why: string): EntitlementsParse => ({ ok: false, reason: `DER entitlements: ${why}` });
  const top = readTlv(blob.subarray(8), 0);
  if (!top || top.tag !== TAG.application16) return bad('no [APPLICATION 16] at the top');
  const parts = children(top.content);
  if (!parts || parts[0]?.tag !== TAG.integer || parts[1]?.tag !== TAG.dict) return bad('expected a version INTEGER and a dictionary');
  const entries = children(parts[1].content);
  if (!entries) return bad('the dictionary is cut off');
  const granted: string[] = [];
  for (const entry of entries) {
    const pair = entry.tag === TAG.sequence ? children(entry.content) : undefined;
    if (!pair || pair[0]?.tag !== TAG.utf8 || !pair[1]) return bad('a dictionary entry is not a (name, value) pair');
    const value = pair[1];
    if (value.tag === TAG.boolean && value.content.length === 1 && value.content[0] !== 0) granted.push(pair[0].content.toString('utf8'));
  }
  return { ok: true, granted };
}
