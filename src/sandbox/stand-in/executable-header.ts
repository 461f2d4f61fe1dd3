import { parsePlatform, type PlatformId } from '../../domain/platform.ts';
import { SmokeError } from '../../domain/errors.ts';

const ELF_MACHINES: Record<string, number> = { amd64: 62, arm64: 183 };
const PE_MACHINES: Record<string, number> = { amd64: 0x8664, arm64: 0xaa64 };
const MACHO_CPU_TYPES: Record<string, number> = { amd64: 0x01000007, arm64: 0x0100000c };

/**
 * A minimal but valid executable header for `platform`, as the pre-flight inspection and
 * `file(1)` read it. `fileSize` is the whole file's size (the ELF load segment covers it).
 * The result is at most 512 bytes, zero-filled to that length.
 */
export function executableHeader(platform: PlatformId, fileSize: number): Buffer {
  const parsed = parsePlatform(platform);
  const head = Buffer.alloc(512);
  const machine = (table: Record<string, number>): number => {
    const value = parsed ? table[parsed.arch] : undefined;
    if (value === undefined) throw new SmokeError(`stand-in binary: no ${parsed?.os ?? '?'} header for platform "${platform}"`);
    return value;
  };
  switch (parsed?.os) {
    case 'linux':
      writeElf(head, machine(ELF_MACHINES), fileSize);
      return head;
    case 'windows':
      writePe(head, machine(PE_MACHINES));
      return head;
    case 'darwin':
      writeMachO(head, machine(MACHO_CPU_TYPES));
      return head;
    default:
      throw new SmokeError(`stand-in binary: unknown platform "${platform}"`);
  }
}

/** 64-bit little-endian ET_EXEC with PT_LOAD and PT_GNU_STACK and no PT_INTERP: static, like Go's. */
function writeElf(b: Buffer, machine: number, fileSize: number): void {
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // ELFCLASS64
  b[5] = 1; // little-endian
  b[6] = 1; // EV_CURRENT
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(BigInt(LOAD_ADDRESS + ELF_CODE_OFFSET), 24); // e_entry
  b.writeBigUInt64LE(64n, 32); // e_phoff: right after this header
  b.writeUInt16LE(64, 52); // e_ehsize
  b.writeUInt16LE(56, 54); // e_phentsize
  b.writeUInt16LE(2, 56); // e_phnum
  b.writeUInt16LE(64, 58); // e_shentsize (no sections)
  const load = 64;
  b.writeUInt32LE(1, load); // PT_LOAD
  b.writeUInt32LE(5, load + 4); // R+X
  b.writeBigUInt64LE(0x400000n, load + 16);
  b.writeBigUInt64LE(0x400000n, load + 24);
  b.writeBigUInt64LE(BigInt(fileSize), load + 32);
  b.writeBigUInt64LE(BigInt(fileSize), load + 40);
  b.writeBigUInt64LE(0x1000n, load + 48);
  const stack = load + 56;
  b.writeUInt32LE(0x6474e551, stack); // PT_GNU_STACK
  b.writeUInt32LE(6, stack + 4); // R+W
  b.writeBigUInt64LE(8n, stack + 48);
  nativeStub(machine).copy(b, ELF_CODE_OFFSET);
}

const LOAD_ADDRESS = 0x400000;
const ELF_CODE_OFFSET = 0xc0;
const STUB_MESSAGE = 'stand-in ephemerd: run me through src/sandbox/stand-in/ephemerd.mjs (the host launcher)\n';

/**
 * Code at the entry point that prints why and exits 126, so a stand-in run without its launcher
 * says so instead of crashing on padding. write(2, msg, len); exit(126).
 */
function nativeStub(machine: number): Buffer {
  const msg = Buffer.from(STUB_MESSAGE, 'latin1');
  if (machine === ELF_MACHINES.amd64) {
    const code = Buffer.from('b801000000bf02000000488d3513000000ba00000000' + '0f05b83c000000bf7e0000000f05', 'hex');
    code.writeUInt32LE(msg.length, 18);
    return Buffer.concat([code, msg]);
  }
  const words = [0xd2800040, 0x100000e1, 0xd2800002 | (msg.length << 5), 0xd2800808, 0xd4000001, 0xd2800fc0, 0xd2800ba8, 0xd4000001];
  const code = Buffer.alloc(words.length * 4);
  words.forEach((word, i) => code.writeUInt32LE(word >>> 0, i * 4));
  return Buffer.concat([code, msg]);
}

/** MZ header pointing at a PE signature, a COFF header and a PE32+ optional header (console). */
function writePe(b: Buffer, machine: number): void {
  const pe = 0x40;
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(pe, 0x3c);
  b.writeUInt32BE(0x50450000, pe);
  b.writeUInt16LE(machine, pe + 4);
  b.writeUInt16LE(240, pe + 20); // SizeOfOptionalHeader for PE32+
  b.writeUInt16LE(0x0022, pe + 22); // EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE
  const opt = pe + 24;
  b.writeUInt16LE(0x20b, opt); // PE32+
  b.writeUInt32LE(0x1000, opt + 16); // AddressOfEntryPoint
  b.writeBigUInt64LE(0x140000000n, opt + 24); // ImageBase
  b.writeUInt32LE(0x1000, opt + 32); // SectionAlignment
  b.writeUInt32LE(0x200, opt + 36); // FileAlignment
  b.writeUInt16LE(6, opt + 40); // OS version
  b.writeUInt16LE(6, opt + 48); // subsystem version
  b.writeUInt32LE(0x1000, opt + 56); // SizeOfImage
  b.writeUInt32LE(0x200, opt + 60); // SizeOfHeaders
  b.writeUInt16LE(3, opt + 68); // IMAGE_SUBSYSTEM_WINDOWS_CUI
  b.writeUInt16LE(0x8160, opt + 70); // high-entropy VA, dynamic base, NX, terminal-server aware
  b.writeUInt32LE(16, opt + 108); // NumberOfRvaAndSizes
}

/** A thin 64-bit Mach-O header, MH_EXECUTE with the PIE flags Go sets. */
function writeMachO(b: Buffer, cpuType: number): void {
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(cpuType, 4);
  b.writeUInt32LE(0, 8); // CPU_SUBTYPE_ALL
  b.writeUInt32LE(2, 12); // MH_EXECUTE
  b.writeUInt32LE(0x00200085, 24); // NOUNDEFS | DYLDLINK | TWOLEVEL | PIE
}
