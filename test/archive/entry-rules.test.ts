import { describe, expect, it } from 'vitest';
import type { ArchiveEntry } from '../../src/archive/archive-entry.ts';
import { checkEntries, normalizeEntryName, unsafeName } from '../../src/archive/entry-rules.ts';

const file = (name: string, extra: Partial<ArchiveEntry> = {}): ArchiveEntry => ({ name, type: 'file', size: 1, ...extra });
const messages = (entries: ArchiveEntry[], binary = 'ephemerd'): string[] => checkEntries(entries, binary).findings.map((f) => f.message);

describe('unsafeName', () => {
  it.each([
    ['/etc/x', 'an absolute path'],
    ['a/../../x', 'a `..` segment'],
    ['..', 'a `..` segment'],
    ['C:/x', 'a Windows drive letter'],
    ['a\\b', 'a backslash in the name (a Windows path separator)'],
    ['a\nb', 'control characters in the name'],
    ['', 'an empty name'],
  ])('%j is unsafe: %s', (name, why) => {
    expect(unsafeName(name)).toBe(why);
  });

  it.each(['ephemerd', './ephemerd', 'a/b..c', '..foo'])('%j is safe', (name) => {
    expect(unsafeName(name)).toBeUndefined();
  });
});

describe('normalizeEntryName', () => {
  it('drops ./ and trailing slashes; the root is empty', () => {
    expect(normalizeEntryName('./ephemerd')).toBe('ephemerd');
    expect(normalizeEntryName('dir/')).toBe('dir');
    expect(normalizeEntryName('./')).toBe('');
    expect(normalizeEntryName('.')).toBe('');
  });
});

describe('checkEntries', () => {
  it('an entry another reader names otherwise (a zip Unicode Path field) is unsafe, naming both names', () => {
    expect(messages([file('ephemerd', { otherName: 'docs/x' })])).toEqual([
      "unsafe entry 'ephemerd': its Unicode Path field names it 'docs/x'; extractors disagree on which name to write",
    ]);
  });

  it('names that are one file once normalised (case, Unicode form, ./ and /) are a layout finding', () => {
    expect(messages([file('ephemerd'), file('EPHEMERD')])).toContain(
      "entries 'ephemerd' and 'EPHEMERD' name the same file once normalised: which one is extracted depends on the extractor",
    );
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    expect(messages([file(`ephemerd/${composed}`), file(`./ephemerd/${decomposed}/`)]).some((m) => m.includes('same file once normalised'))).toBe(true);
    // The binary's own duplicates keep their own finding, said once.
    expect(messages([file('ephemerd'), file('./ephemerd')])).toEqual([
      "2 entries named 'ephemerd': which one is the binary depends on the extractor",
    ]);
  });

  it('one file at the root is the binary; a ./ root entry does not count', () => {
    const bin = file('./ephemerd');
    expect(checkEntries([{ name: './', type: 'directory', size: 0 }, bin], 'ephemerd')).toEqual({ findings: [], binary: bin });
  });

  it('links inside the root are fine unless the binary itself is one', () => {
    expect(messages([file('ephemerd'), { name: 'docs/l', type: 'symlink', size: 0, linkTarget: '../ephemerd' }])).toEqual([
      "2 entries at the archive root, expected only 'ephemerd': 'ephemerd', 'docs'",
    ]);
    expect(messages([{ name: 'ephemerd', type: 'hardlink', size: 0, linkTarget: 'other' }, file('other')])).toContain(
      "'ephemerd' is a hardlink entry to 'other', not the binary itself",
    );
  });

  it('links that leave the root are unsafe', () => {
    const entries: ArchiveEntry[] = [
      file('ephemerd'),
      { name: 'a/b', type: 'symlink', size: 0, linkTarget: '../../x' },
      { name: 'a/c', type: 'symlink', size: 0, linkTarget: '/etc/shadow' },
      { name: 'a/d', type: 'hardlink', size: 0, linkTarget: '../x' },
    ];
    expect(messages(entries).filter((m) => m.startsWith('unsafe'))).toEqual([
      "unsafe entry 'a/b': a symlink to '../../x', outside the archive",
      "unsafe entry 'a/c': a symlink to '/etc/shadow', outside the archive",
      "unsafe entry 'a/d': a hardlink to '../x', outside the archive",
    ]);
  });

  it('devices, fifos and unknown types are unsafe', () => {
    const entries: ArchiveEntry[] = [
      file('ephemerd'),
      { name: 'ephemerd/dev', type: 'device', size: 0 },
      { name: 'ephemerd/fifo', type: 'fifo', size: 0 },
      { name: 'ephemerd/what', type: 'other', size: 0 },
    ];
    expect(checkEntries(entries, 'ephemerd').findings.filter((f) => f.code === 'unsafe-entry').map((f) => f.entry)).toEqual([
      'ephemerd/dev',
      'ephemerd/fifo',
      'ephemerd/what',
    ]);
  });

  it('a binary inside a folder is named where it was found', () => {
    expect(messages([{ name: 'dist/', type: 'directory', size: 0 }, file('dist/ephemerd.exe')], 'ephemerd.exe')).toEqual([
      "'ephemerd.exe' is not at the archive root (found 'dist/ephemerd.exe'; no folder expected)",
    ]);
  });

  it('an empty archive and hostile names stay one printable line', () => {
    expect(messages([])).toEqual(["the archive is empty: no 'ephemerd'"]);
    const [first] = messages([file('evil\nname')]);
    expect(first).toBe("unsafe entry 'evil\\u000aname': control characters in the name");
  });

  it('a binary of the other platform\'s name is missing, not accepted', () => {
    expect(checkEntries([file('ephemerd')], 'ephemerd.exe').binary).toBeNull();
  });
});
