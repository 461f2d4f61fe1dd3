import { isElf, parseElf } from './elf.ts';
import type { HeaderParse } from './executable-info.ts';
import { isMachO, parseMachO } from './macho.ts';
import { isPe, parsePe } from './pe.ts';

/** Identifies an executable from its first bytes (64 KiB is plenty for Go binaries). */
export function identifyExecutable(head: Buffer): HeaderParse {
  if (isElf(head)) return parseElf(head);
  if (isPe(head)) return parsePe(head);
  if (isMachO(head)) return parseMachO(head);
  const shown = head.subarray(0, 16).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return { ok: false, reason: `not an executable this service knows (first bytes: ${shown || 'none, the file is empty'})` };
}
