import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identifyExecutable } from '../../../src/archive/headers/identify-executable.ts';

const BINARIES = join(import.meta.dirname, '..', '..', '.fixtures', 'binaries');
const head = (file: string): Buffer => readFileSync(file).subarray(0, 64 * 1024);

/** A minimal 64-bit little-endian ELF header with `phnum` program headers of the given types. */
function elf64(machine: number, phTypes: number[], phoff = 64): Buffer {
  const b = Buffer.alloc(Math.max(64, phoff) + phTypes.length * 56);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2;
  b[5] = 1;
  b[6] = 1;
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE(machine, 18);
  b.writeBigUInt64LE(BigInt(phoff), 32);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(phTypes.length, 56);
  phTypes.forEach((t, i) => b.writeUInt32LE(t, phoff + i * 56));
  return b;
}

function pe(machine: number): Buffer {
  const b = Buffer.alloc(0x100);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.writeUInt32BE(0x50450000, 0x80);
  b.writeUInt16LE(machine, 0x84);
  return b;
}

describe('identifyExecutable on the real binaries', () => {
  const cases: Array<[string, object]> = [
    ['linux-amd64', { format: 'ELF', os: 'linux', arch: 'amd64', static: true }],
    ['linux-arm64', { format: 'ELF', os: 'linux', arch: 'arm64', static: true }],
    ['darwin-arm64', { format: 'Mach-O', os: 'darwin', arch: 'arm64', static: null }],
    ['windows-amd64.exe', { format: 'PE', os: 'windows', arch: 'amd64', static: null }],
  ];
  for (const [file, info] of cases) {
    it(file, () => {
      expect(identifyExecutable(head(join(BINARIES, file)))).toEqual({ ok: true, info: expect.objectContaining(info) });
    });
  }

  it('a dynamically linked ELF (/bin/true) is not static', () => {
    expect(identifyExecutable(head('/bin/true'))).toMatchObject({ ok: true, info: { format: 'ELF', arch: 'amd64', static: false } });
  });
});

describe('identifyExecutable on made-up headers', () => {
  it('ELF: PT_INTERP among the program headers means dynamic', () => {
    expect(identifyExecutable(elf64(183, [6, 3, 1]))).toMatchObject({ ok: true, info: { arch: 'arm64', static: false } });
    expect(identifyExecutable(elf64(183, [6, 1, 1]))).toMatchObject({ ok: true, info: { arch: 'arm64', static: true } });
  });

  it('ELF: program headers past the bytes read leave linkage unknown', () => {
    const full = elf64(62, [3], 70_000);
    expect(identifyExecutable(full.subarray(0, 64 * 1024))).toMatchObject({ ok: true, info: { arch: 'amd64', static: null } });
  });

  it('ELF: big-endian 32-bit and unknown machines', () => {
    const b = Buffer.alloc(52);
    b.writeUInt32BE(0x7f454c46, 0);
    b[4] = 1;
    b[5] = 2;
    b.writeUInt16BE(8, 18); // MIPS
    expect(identifyExecutable(b)).toMatchObject({ ok: true, info: { format: 'ELF', arch: 'e_machine 8' } });
  });

  it('PE: AMD64, ARM64, I386', () => {
    expect(identifyExecutable(pe(0x8664))).toMatchObject({ ok: true, info: { os: 'windows', arch: 'amd64' } });
    expect(identifyExecutable(pe(0xaa64))).toMatchObject({ ok: true, info: { arch: 'arm64' } });
    expect(identifyExecutable(pe(0x14c))).toMatchObject({ ok: true, info: { arch: '386' } });
  });

  it('PE: an MZ file without the PE signature is refused', () => {
    const b = pe(0x8664);
    b.write('XX', 0x80, 'latin1');
    expect(identifyExecutable(b)).toEqual({ ok: false, reason: 'MZ file without a PE signature at offset 128 (a DOS program?)' });
  });

  it('Mach-O: thin x86_64 and a universal binary listing its arches', () => {
    const thin = Buffer.alloc(32);
    thin.writeUInt32LE(0xfeedfacf, 0);
    thin.writeUInt32LE(0x01000007, 4);
    expect(identifyExecutable(thin)).toMatchObject({ ok: true, info: { os: 'darwin', arch: 'amd64' } });

    const fat = Buffer.alloc(8 + 2 * 20);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(2, 4);
    fat.writeUInt32BE(0x01000007, 8);
    fat.writeUInt32BE(0x0100000c, 28);
    expect(identifyExecutable(fat)).toMatchObject({ ok: true, info: { arch: 'amd64+arm64', arches: ['amd64', 'arm64'] } });
  });

  it('a Java class file (also 0xCAFEBABE) is not a Mach-O', () => {
    const cls = Buffer.from('cafebabe00000041', 'hex');
    expect(identifyExecutable(cls)).toEqual({ ok: false, reason: 'not an executable this service knows (first bytes: ca fe ba be 00 00 00 41)' });
  });

  it('anything else names its first bytes in hex', () => {
    expect(identifyExecutable(Buffer.from('#!/bin/sh\n'))).toEqual({
      ok: false,
      reason: 'not an executable this service knows (first bytes: 23 21 2f 62 69 6e 2f 73 68 0a)',
    });
    expect(identifyExecutable(Buffer.alloc(0))).toMatchObject({ ok: false, reason: expect.stringContaining('the file is empty') });
  });
});
