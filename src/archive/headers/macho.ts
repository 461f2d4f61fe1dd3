import type { HeaderParse } from './executable-info.ts';

const CPU_TYPES: Record<number, string> = { 0x01000007: 'amd64', 0x0100000c: 'arm64', 7: '386', 12: 'arm' };
const THIN = new Set([0xfeedfacf, 0xfeedface]);
const FAT = 0xcafebabe;
const FAT_64 = 0xcafebabf;
// 0xCAFEBABE is also a Java class file; its next word (version) is far above any real arch count.
const MAX_FAT_ARCHES = 32;

export function isMachO(head: Buffer): boolean {
  if (head.length < 8) return false;
  if (THIN.has(head.readUInt32LE(0)) || THIN.has(head.readUInt32BE(0))) return true;
  const magic = head.readUInt32BE(0);
  return (magic === FAT || magic === FAT_64) && head.readUInt32BE(4) <= MAX_FAT_ARCHES;
}

function cpuName(cpu: number): string {
  return CPU_TYPES[cpu] ?? `cputype 0x${cpu.toString(16)}`;
}

/** A thin Mach-O's CPU type, or the arches listed in a universal (fat) header. */
export function parseMachO(head: Buffer): HeaderParse {
  const magic = head.readUInt32BE(0);
  if (magic === FAT || magic === FAT_64) {
    const count = head.readUInt32BE(4);
    const size = magic === FAT ? 20 : 32;
    if (8 + count * size > head.length) return { ok: false, reason: `universal Mach-O lists ${count} arches past the bytes read` };
    const arches = Array.from({ length: count }, (_, i) => cpuName(head.readUInt32BE(8 + i * size)));
    if (arches.length === 0) return { ok: false, reason: 'universal Mach-O with no arches' };
    return { ok: true, info: { format: 'Mach-O', os: 'darwin', arch: arches.join('+'), arches, static: null } };
  }
  const le = THIN.has(head.readUInt32LE(0));
  const arch = cpuName(le ? head.readUInt32LE(4) : head.readUInt32BE(4));
  return { ok: true, info: { format: 'Mach-O', os: 'darwin', arch, arches: [arch], static: null } };
}
