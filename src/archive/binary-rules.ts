import type { Platform } from '../domain/platform.ts';
import type { ArchiveEntry } from './archive-entry.ts';
import type { Finding } from './finding.ts';
import { formatSize } from '../domain/format-size.ts';
import { identifyExecutable } from './headers/identify-executable.ts';

/** What inspection learnt about the binary inside an archive. */
export interface InspectedBinary {
  name: string;
  size: number;
  format: string;
  os: string;
  arch: string;
  /** Linux only: null when not ELF or the header did not say. */
  static: boolean | null;
  /** null when the archive stores no Unix mode (a zip from Windows). */
  executableBit: boolean | null;
  /** SHA-256 of the bytes judged here: the host must extract exactly these. */
  sha256: string | null;
}

export interface BinaryRules {
  platform: Platform;
  binaryFile: string;
  minBinaryBytes: number;
  /** Only tar archives must carry the executable bit: zips from Windows store no mode. */
  requireExecBit: boolean;
}

/** Header, platform, linkage, size floor and mode checks for the binary's entry. Pure. */
export function checkBinary(entry: ArchiveEntry, rules: BinaryRules): { binary: InspectedBinary; findings: Finding[] } {
  const { platform, binaryFile: name } = rules;
  const findings: Finding[] = [];
  const add = (code: Finding['code'], message: string): void => void findings.push({ code, message, entry: entry.name });
  const parsed = identifyExecutable(entry.head ?? Buffer.alloc(0));
  const executableBit = entry.mode === undefined ? null : (entry.mode & 0o111) !== 0;
  const sha256 = entry.sha256 ?? null;
  const binary: InspectedBinary = parsed.ok
    ? { name, size: entry.size, format: parsed.info.format, os: parsed.info.os, arch: parsed.info.arch, static: parsed.info.static, executableBit, sha256 }
    : { name, size: entry.size, format: 'unknown', os: 'unknown', arch: 'unknown', static: null, executableBit, sha256 };

  if (!parsed.ok) {
    add('not-executable', `${name}: ${parsed.reason}`);
  } else if (parsed.info.os !== platform.os || !parsed.info.arches.includes(platform.arch)) {
    add('platform-mismatch', `${name} is a ${parsed.info.format} ${parsed.info.os}/${parsed.info.arch} executable, expected ${platform.id}`);
  }
  if (platform.os === 'linux' && binary.static === false) {
    add('dynamic', `${name} is dynamically linked (it has a PT_INTERP program header); Linux builds must be static`);
  }
  if (entry.size < rules.minBinaryBytes) {
    add('too-small', `${name} is ${formatSize(entry.size)}, below the ${formatSize(rules.minBinaryBytes)} floor for ${platform.id}: a placeholder build?`);
  }
  if (rules.requireExecBit && executableBit !== true) {
    const mode = entry.mode === undefined ? 'no mode' : `mode ${(entry.mode & 0o7777).toString(8).padStart(4, '0')}`;
    add('no-exec-bit', `${name} is not executable in the archive (${mode}); it would not run once extracted`);
  }
  return { binary, findings };
}
