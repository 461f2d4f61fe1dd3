const MH_MAGIC = 0xfeedface;
const MH_MAGIC_64 = 0xfeedfacf;
const FAT_MAGICS = new Set([0xcafebabe, 0xcafebabf]);
const LC_CODE_SIGNATURE = 0x1d;
/** Load commands of a real binary take a few KB; beyond this the header is corrupt. */
export const MAX_MACHO_HEAD_BYTES = 1024 * 1024;

/** Where a thin Mach-O's code signature lies, from its header and load commands. */
export type SignatureLocation =
  | { kind: 'need'; bytes: number }
  | { kind: 'not-macho' }
  | { kind: 'unsupported'; reason: string }
  | { kind: 'unsigned' }
  | { kind: 'signed'; offset: number; size: number };

/** Reads the header and load commands from the first bytes of a file. */
export function locateSignature(head: Buffer): SignatureLocation {
  if (head.length < 8) return { kind: 'need', bytes: 8 };
  if (FAT_MAGICS.has(head.readUInt32BE(0))) {
    return { kind: 'unsupported', reason: 'a universal (fat) Mach-O: its slices are not verified one by one here' };
  }
  const magicLe = head.readUInt32LE(0);
  const magicBe = head.readUInt32BE(0);
  const le = magicLe === MH_MAGIC || magicLe === MH_MAGIC_64;
  if (!le && magicBe !== MH_MAGIC && magicBe !== MH_MAGIC_64) return { kind: 'not-macho' };
  const is64 = (le ? magicLe : magicBe) === MH_MAGIC_64;
  const u32 = (at: number): number => (le ? head.readUInt32LE(at) : head.readUInt32BE(at));
  const headerBytes = is64 ? 32 : 28;
  if (head.length < headerBytes) return { kind: 'need', bytes: headerBytes };
  const ncmds = u32(16);
  const sizeofcmds = u32(20);
  const end = headerBytes + sizeofcmds;
  if (end > MAX_MACHO_HEAD_BYTES) return { kind: 'unsupported', reason: `load commands of ${sizeofcmds} bytes: not a real Mach-O header` };
  if (head.length < end) return { kind: 'need', bytes: end };
  let at = headerBytes;
  for (let i = 0; i < ncmds; i++) {
    if (at + 8 > end) return { kind: 'unsupported', reason: `load command ${i} lies past the ${sizeofcmds} bytes of load commands` };
    const cmd = u32(at);
    const cmdsize = u32(at + 4);
    if (cmdsize < 8) return { kind: 'unsupported', reason: `load command ${i} has size ${cmdsize}` };
    if (cmd === LC_CODE_SIGNATURE) return { kind: 'signed', offset: u32(at + 8), size: u32(at + 12) };
    at += cmdsize;
  }
  return { kind: 'unsigned' };
}
