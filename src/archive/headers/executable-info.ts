export type ExecutableFormat = 'ELF' | 'PE' | 'Mach-O';

/** What an executable's header says, in this service's platform words (os linux/windows/darwin, arch amd64/arm64/386). */
export interface ExecutableInfo {
  format: ExecutableFormat;
  os: string;
  /** One arch, or several joined by `+` for a universal Mach-O. */
  arch: string;
  /** Every arch the file holds (one, except a universal Mach-O). */
  arches: string[];
  /** ELF only: no PT_INTERP. null when not ELF or the program headers lie past the bytes read. */
  static: boolean | null;
}

/** A parser's answer: the executable, or why it is not a usable one. */
export type HeaderParse = { ok: true; info: ExecutableInfo } | { ok: false; reason: string };
