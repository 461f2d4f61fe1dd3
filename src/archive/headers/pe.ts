import type { HeaderParse } from './executable-info.ts';

const MACHINES: Record<number, string> = { 0x8664: 'amd64', 0xaa64: 'arm64', 0x14c: '386', 0x1c4: 'arm' };

export function isPe(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x4d && head[1] === 0x5a; // MZ
}

/** The PE signature and COFF Machine field, found through the DOS header's e_lfanew. */
export function parsePe(head: Buffer): HeaderParse {
  if (head.length < 0x40) return { ok: false, reason: 'MZ header shorter than 64 bytes' };
  const lfanew = head.readUInt32LE(0x3c);
  if (lfanew + 6 > head.length) {
    return { ok: false, reason: `PE header offset ${lfanew} lies past the ${head.length} bytes read` };
  }
  if (head.readUInt32BE(lfanew) !== 0x50450000) {
    return { ok: false, reason: `MZ file without a PE signature at offset ${lfanew} (a DOS program?)` };
  }
  const machine = head.readUInt16LE(lfanew + 4);
  const arch = MACHINES[machine] ?? `machine 0x${machine.toString(16)}`;
  return { ok: true, info: { format: 'PE', os: 'windows', arch, arches: [arch], static: null } };
}
