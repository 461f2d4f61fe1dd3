import { posix } from 'node:path';
import type { ArchiveEntry } from './archive-entry.ts';
import type { Finding } from './finding.ts';
import { quoteName } from './quote-name.ts';

export interface EntryVerdict {
  findings: Finding[];
  /** The binary's entry when there is exactly one regular file by that name at the root. */
  binary: ArchiveEntry | null;
}

/** `./a/b/` → `a/b`; the root itself (`.`, `./`) → ''. */
export function normalizeEntryName(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

/** Why a stored name could write outside the extraction folder, or undefined when it cannot. */
export function unsafeName(name: string): string | undefined {
  if (name === '') return 'an empty name';
  if (/[\u0000-\u001f]/.test(name)) return 'control characters in the name';
  if (name.includes('\\')) return 'a backslash in the name (a Windows path separator)';
  if (/^[A-Za-z]:/.test(name)) return 'a Windows drive letter';
  if (name.startsWith('/')) return 'an absolute path';
  if (name.split('/').includes('..')) return 'a `..` segment';
  return undefined;
}

/** Where a link points, relative to the archive root; undefined when it leaves the root. */
function linkDestination(entry: ArchiveEntry): string | undefined {
  const target = entry.linkTarget ?? '';
  if (target === '' || unsafeName(target) === 'an absolute path' || /^[A-Za-z]:|\\/.test(target)) return undefined;
  // A symlink resolves from its own folder; a tar hardlink names another entry from the root.
  const base = entry.type === 'symlink' ? posix.dirname(normalizeEntryName(entry.name)) : '.';
  const resolved = posix.normalize(posix.join(base, target));
  return resolved === '..' || resolved.startsWith('../') ? undefined : resolved;
}

function entryProblem(entry: ArchiveEntry): string | undefined {
  const why = unsafeName(entry.name);
  if (why) return `unsafe entry ${quoteName(entry.name)}: ${why}`;
  if (entry.otherName !== undefined) {
    return `unsafe entry ${quoteName(entry.name)}: its Unicode Path field names it ${quoteName(entry.otherName)}; extractors disagree on which name to write`;
  }
  switch (entry.type) {
    case 'device':
    case 'fifo':
      return `unsafe entry ${quoteName(entry.name)}: a ${entry.type === 'fifo' ? 'fifo' : 'device file'}`;
    case 'other':
      return `unsafe entry ${quoteName(entry.name)}: an entry type this service does not extract`;
    case 'symlink':
    case 'hardlink':
      return linkDestination(entry) === undefined
        ? `unsafe entry ${quoteName(entry.name)}: a ${entry.type} to ${quoteName(entry.linkTarget ?? '')}, outside the archive`
        : undefined;
    default:
      return undefined;
  }
}

/**
 * The archive-layout rules: every entry safe to extract, exactly one entry at the root, and that
 * entry the binary itself, a regular file. Pure: entries in, findings out.
 */
export function checkEntries(entries: readonly ArchiveEntry[], binaryFile: string): EntryVerdict {
  const findings: Finding[] = [];
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem) findings.push({ code: 'unsafe-entry', message: problem, entry: entry.name });
  }

  findings.push(...sameFileNames(entries, binaryFile));

  const named = entries.filter((e) => normalizeEntryName(e.name) !== '');
  const roots = [...new Set(named.map((e) => normalizeEntryName(e.name).split('/')[0] ?? ''))];
  if (roots.length > 1) {
    const shown = roots.slice(0, 5).map(quoteName).join(', ') + (roots.length > 5 ? ', …' : '');
    findings.push({ code: 'layout', message: `${roots.length} entries at the archive root, expected only ${quoteName(binaryFile)}: ${shown}` });
  }

  const candidates = named.filter((e) => normalizeEntryName(e.name) === binaryFile);
  const [only] = candidates;
  if (only === undefined) {
    findings.push({ code: 'missing-binary', message: missingBinary(named, binaryFile) });
    return { findings, binary: null };
  }
  if (candidates.length > 1) {
    findings.push({
      code: 'layout',
      message: `${candidates.length} entries named ${quoteName(binaryFile)}: which one is the binary depends on the extractor`,
      entry: binaryFile,
    });
    return { findings, binary: null };
  }
  if (only.type !== 'file') {
    const what = only.type === 'directory' ? 'a directory' : `a ${only.type} entry`;
    const link = only.linkTarget === undefined ? '' : ` to ${quoteName(only.linkTarget)}`;
    findings.push({ code: 'missing-binary', message: `${quoteName(binaryFile)} is ${what}${link}, not the binary itself`, entry: only.name });
    return { findings, binary: null };
  }
  return { findings, binary: only };
}

/**
 * Entries that land on one file once a reader normalises their names (`./a`, `a/`, Unicode
 * forms, letter case on Windows and macOS disks): which one wins depends on the extractor, so
 * the bytes inspected need not be the bytes that run. Exact duplicates of the binary's name are
 * reported by `checkEntries` itself.
 */
function sameFileNames(entries: readonly ArchiveEntry[], binaryFile: string): Finding[] {
  const byKey = new Map<string, ArchiveEntry[]>();
  for (const entry of entries) {
    const key = foldName(entry.name);
    if (key === '') continue;
    byKey.set(key, [...(byKey.get(key) ?? []), entry]);
  }
  const findings: Finding[] = [];
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    if (group.every((e) => normalizeEntryName(e.name) === binaryFile)) continue;
    const [first, second] = group as [ArchiveEntry, ArchiveEntry];
    findings.push({
      code: 'layout',
      message: `entries ${quoteName(first.name)} and ${quoteName(second.name)} name the same file once normalised: which one is extracted depends on the extractor`,
      entry: second.name,
    });
  }
  return findings;
}

function foldName(name: string): string {
  return normalizeEntryName(name).normalize('NFC').toLowerCase();
}

function missingBinary(named: readonly ArchiveEntry[], binaryFile: string): string {
  if (named.length === 0) return `the archive is empty: no ${quoteName(binaryFile)}`;
  const nested = named.find((e) => posix.basename(normalizeEntryName(e.name)) === binaryFile);
  if (nested) return `${quoteName(binaryFile)} is not at the archive root (found ${quoteName(nested.name)}; no folder expected)`;
  return `no ${quoteName(binaryFile)} in the archive (found ${named.slice(0, 3).map((e) => quoteName(e.name)).join(', ')})`;
}
