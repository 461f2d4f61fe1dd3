import { describe, expect, it } from 'vitest';
import { parseEntitlementsDer, parseEntitlementsXml } from '../../../src/archive/code-signature/entitlements.ts';
import { entitlementsDer } from '../../support/sign-macho.ts';

const blob = (magic: number, payload: Buffer | string): Buffer => {
  const body = Buffer.from(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(magic, 0);
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
};

describe('parseEntitlementsXml', () => {
  it('grants only keys whose value is <true/>, with entities decoded and nested values ignored', () => {
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
      '<plist version="1.0"><dict>',
      '  <!-- a comment -->',
      '  <key>com.apple.security.virtualization</key><true/>',
      '  <key>com.apple.security.app-sandbox</key><false/>',
      '  <key>keychain-access-groups</key><array><string>com.apple.security.network.server</string></array>',
      '  <key>nested</key><dict><key>com.apple.inner</key><true/></dict>',
      '  <key>a&amp;b</key><true/>',
      '  <key><![CDATA[c<d]]></key><true></true>',
      '  <key>empty</key><dict/>',
      '  <key>com.apple.string</key><string>true</string>',
      '</dict></plist>',
    ].join('\n');
    expect(parseEntitlementsXml(blob(0xfade7171, xml))).toEqual({ ok: true, granted: ['com.apple.security.virtualization', 'a&b', 'c<d'] });
  });

  it('says when the XML is not a property list with a dict', () => {
    const reason = (xml: string): string | false => {
      const parsed = parseEntitlementsXml(blob(0xfade7171, xml));
      return !parsed.ok && parsed.reason;
    };
    expect(reason('<plist><dict><key>x</key>')).toBe('entitlements XML is not a property list: the document ends early');
    expect(reason('<plist version="1.0"><array/></plist>')).toBe('entitlements XML is not a property list: a property list without a top-level dict');
    expect(reason('<plist><dict><key>x</key><true/><true/></dict></plist>')).toBe('entitlements XML is not a property list: expected <key> in a dict');
    expect(reason('<plist><dict><key>a&nbsp;</key><true/></dict></plist>')).toBe('entitlements XML is not a property list: unknown entity &nbsp;');
    expect(reason('<plist><dict></dict></plist><x/>')).toBe('entitlements XML is not a property list: content after </plist>');
  });
});

describe('parseEntitlementsDer', () => {
  it('grants names whose value is BOOLEAN TRUE, also with long-form lengths', () => {
    const names = Array.from({ length: 12 }, (_, i) => `com.example.entitlement-number-${i}`);
    expect(parseEntitlementsDer(blob(0xfade7172, entitlementsDer(names)))).toEqual({ ok: true, granted: [...names].sort() });
  });

  it('does not grant FALSE or a string, and refuses a cut-off blob', () => {
    const pair = (name: string, value: number[]): number[] => {
      const key = [0x0c, name.length, ...Buffer.from(name)];
      return [0x30, key.length + value.length, ...key, ...value];
    };
    const entries = [...pair('yes', [0x01, 0x01, 0xff]), ...pair('no', [0x01, 0x01, 0x00]), ...pair('str', [0x0c, 0x01, 0x31])];
    const dict = [0xb0, entries.length, ...entries];
    const der = Buffer.from([0x70, dict.length + 3, 0x02, 0x01, 0x01, ...dict]);
    expect(parseEntitlementsDer(blob(0xfade7172, der))).toEqual({ ok: true, granted: ['yes'] });
    expect(parseEntitlementsDer(blob(0xfade7172, der.subarray(0, der.length - 2)))).toEqual({ ok: false, reason: 'DER entitlements: no [APPLICATION 16] at the top' });
  });
});
