import type { HeaderParse } from './executable-info.ts';

const MACHINES: Record<number, string> = { 3: '386', 40: 'arm', 62: 'amd64', 183: 'arm64', 243: 'riscv64' };
// EI_OSABI: Go and most toolchains write 0 (System V) for Linux.
const OS_ABIS: Record<number, string> = { 0: 'linux', 3: 'linux', 9: 'freebsd', 12: 'openbsd', 2: 'netbsd' };
const PT_INTERP = 3;

export function isElf(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46;
}

/** ELF header and program headers from the first bytes of a file. */
export function parseElf(head: Buffer): HeaderParse {
  const cls = head[4];
  const data = head[5];
  const is64 = cls === 2;
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2) || head.length < (is64 ? 64 : 52)) {
    return { ok: false, reason: `malformed ELF header (class ${cls}, data ${data}, ${head.length} bytes)` };
  }
  const le = data === 1;
  const u16 = (at: number): number => (le ? head.readUInt16LE(at) : head.readUInt16BE(at));
  const u32 = (at: number): number => (le ? head.readUInt32LE(at) : head.readUInt32BE(at));
  const u64 = (at: number): number => Number(le ? head.readBigUInt64LE(at) : head.readBigUInt64BE(at));

  const machine = u16(18);
  const arch = MACHINES[machine] ?? `e_machine ${machine}`;
  const os = OS_ABIS[head[7] ?? 0] ?? `osabi ${head[7]}`;
  const phoff = is64 ? u64(32) : u32(28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);

  let isStatic: boolean | null = null;
  // Go puts the program headers right after the ELF header; if not in what was read, say unknown.
  if (phentsize >= 4 && phoff + phnum * phentsize <= head.length) {
    isStatic = true;
    for (let i = 0; i < phnum; i++) {
      if (u32(phoff + i * phentsize) === PT_INTERP) isStatic = false;
    }
  }
  return { ok: true, info: { format: 'ELF', os, arch, arches: [arch], static: isStatic } };
}
