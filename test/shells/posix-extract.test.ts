import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureTestUser } from '../../src/sandbox/local-user.ts';
import { posixShell as sh } from '../../src/shells/posix.ts';
import type { ArchiveFormat } from '../../src/shells/shell.ts';
import { writeZip, zeros, type ZipEntrySpec } from '../support/write-zip.ts';
import { runWith } from './dash-with-tools.ts';

// The host's extraction step as stageArchive runs it (hash, then unpack), under dash with only
// the listed tools on PATH: which tool did the work is decided by what is there.

let work: string;
let archive: string;
let sha: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'smoke-extract-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

const bin = () => join(work, 'bin');
const stage = (format: ArchiveFormat, over: Partial<Parameters<typeof sh.stageArchive>[0]> = {}) =>
  sh.stageArchive({ archive, expectedSha256: sha, destination: join(work, 'out'), format, binaryPath: join(work, 'out', 'ephemerd'), ...over });
/** Makes `bytes` the archive `stage()` verifies and extracts. */
function useArchive(bytes: Buffer, name: string): void {
  archive = join(work, name);
  writeFileSync(archive, bytes);
  sha = createHash('sha256').update(bytes).digest('hex');
}
/** What stageArchive prints for a good archive whose extracted binary holds `binary`. */
const staged = (binary: Buffer) => `sha256 ${sha}\nbinary yes\nbinary-sha256 ${createHash('sha256').update(binary).digest('hex')}\n`;
const EXTRACT_TOOLS = { mkdir: '/usr/bin/mkdir', tar: '/usr/bin/tar', gzip: '/usr/bin/gzip' };

/** A `perl` for PATH that cannot load Compress::Raw::Zlib, as on a host with only perl-base. */
function perlWithoutZlib(): string {
  const noZlib = join(work, 'no-zlib');
  mkdirSync(join(noZlib, 'Compress', 'Raw'), { recursive: true });
  writeFileSync(join(noZlib, 'Compress', 'Raw', 'Zlib.pm'), 'die "no zlib\\n";\n');
  expect(execFileSync('/usr/bin/perl', ['-I', noZlib, '-e', 'print eval { require Compress::Raw::Zlib } ? "has" : "lacks"'], { encoding: 'utf8' })).toBe('lacks');
  return `#!/bin/sh\nexec /usr/bin/perl -I '${noZlib}' "$@"\n`;
}

describe('a tar.gz inflated by perl into tar', () => {
  // No gzip on PATH: tar -xzf could not have extracted anything.
  const PERL_TOOLS = { perl: '/usr/bin/perl', tar: '/usr/bin/tar', mkdir: '/usr/bin/mkdir', sha256sum: '/usr/bin/sha256sum' };
  const GZIP_TOOLS = { ...EXTRACT_TOOLS, sha256sum: '/usr/bin/sha256sum' };
  // Not a whole number of the 1 MiB reads; random, so deflate stores it and a flipped byte is a CRC error.
  const big = randomBytes(3 * 1024 * 1024 + 12345);
  const notes = Buffer.from('a second file\n');
  let tarBytes: Buffer;
  beforeEach(() => {
    mkdirSync(join(work, 'tree'));
    writeFileSync(join(work, 'tree', 'ephemerd'), big);
    writeFileSync(join(work, 'tree', 'NOTES'), notes);
    tarBytes = execFileSync('tar', ['-cf', '-', '-C', join(work, 'tree'), 'ephemerd', 'NOTES'], { maxBuffer: 64 * 1024 * 1024 });
  });
  const useTarGz = (bytes: Buffer) => useArchive(bytes, 'a.tar.gz');
  function expectExtracted(): void {
    expect(readFileSync(join(work, 'out', 'ephemerd')).equals(big)).toBe(true);
    expect(readFileSync(join(work, 'out', 'NOTES')).equals(notes)).toBe(true);
  }
  /** Stages the plain .tar.gz with only `tools` on PATH: hashed, then extracted byte for byte. */
  async function expectExtractsWith(tools: Record<string, string>): Promise<void> {
    useTarGz(gzipSync(tarBytes));
    const res = await runWith(bin(), tools, stage('tar.gz'));
    expect(res).toEqual({ code: 0, stdout: staged(big), stderr: '' });
    expectExtracted();
  }

  it('extracts byte for byte with no gzip on PATH', async () => {
    await expectExtractsWith(PERL_TOOLS);
  });

  it('extracts one tar stream gzip-compressed in two members, as gzip does', async () => {
    const cut = 1536 * 1024 + 7; // inside ephemerd's data
    useTarGz(Buffer.concat([gzipSync(tarBytes.subarray(0, cut)), gzipSync(tarBytes.subarray(cut))]));
    const res = await runWith(bin(), PERL_TOOLS, stage('tar.gz'));
    expect(res).toEqual({ code: 0, stdout: staged(big), stderr: '' });
    expectExtracted();
  });

  it('takes zero bytes after the last member for padding, as gzip does', async () => {
    useTarGz(Buffer.concat([gzipSync(tarBytes), Buffer.alloc(3000)]));
    for (const tools of [PERL_TOOLS, GZIP_TOOLS]) {
      rmSync(join(work, 'out'), { recursive: true, force: true });
      expect(await runWith(bin(), tools, stage('tar.gz'))).toEqual({ code: 0, stdout: staged(big), stderr: '' });
      expectExtracted();
    }
  });

  it('inflates 64 MiB of zeros in bounded memory (ulimit -v 60 MB), a MiB at a time', async () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    writeFileSync(join(work, 'tree', 'ephemerd'), zeros);
    useTarGz(gzipSync(execFileSync('tar', ['-cf', '-', '-C', join(work, 'tree'), 'ephemerd'], { maxBuffer: 128 * 1024 * 1024 })));
    // Inflated in one call, this 64 KiB archive failed even under ulimit -v 100000 (the output string, grown).
    const res = await runWith(bin(), PERL_TOOLS, `ulimit -v 60000 || exit 99\n${stage('tar.gz')}`);
    expect(res).toEqual({ code: 0, stdout: staged(zeros), stderr: '' });
    expect(statSync(join(work, 'out', 'ephemerd')).size).toBe(zeros.length);
  });

  it.each([
    ['a flipped byte in the compressed data', (gz: Buffer) => Buffer.from(gz.map((byte, i) => (i === gz.length >> 1 ? byte ^ 0xff : byte))), 'incorrect data check'],
    ['a truncated archive', (gz: Buffer) => gz.subarray(0, gz.length >> 1), 'unexpected end of file'],
    ['an empty file', () => Buffer.alloc(0), 'unexpected end of file'],
    ['trailing garbage after the member', (gz: Buffer) => Buffer.concat([gz, Buffer.from('garbage')]), 'incorrect header check'],
  ])('fails on %s in zlib\'s words, naming the archive; tar -xzf fails on it too', async (_label, spoil, words) => {
    useTarGz(spoil(gzipSync(tarBytes)));
    const res = await runWith(bin(), PERL_TOOLS, stage('tar.gz'));
    expect(res, res.stderr).toMatchObject({ code: 1, stdout: `sha256 ${sha}\n` });
    // The first line is what the upload check reports.
    expect(res.stderr.split('\n')[0]).toBe(`gzip: ${archive}: ${words}`);
    const before = await runWith(bin(), GZIP_TOOLS, stage('tar.gz'));
    expect(before.code).not.toBe(0);
    expect(before.stdout).toBe(`sha256 ${sha}\n`);
  });

  describe('the record size tar is given', () => {
    /** A `tar` for PATH that notes its arguments, then acts as GNU tar, or as a tar that knows neither `--version` nor `-b` (busybox). */
    const tarNoting = (log: string, gnu: boolean) =>
      `#!/bin/sh\n${gnu ? '' : `case "$1" in --version|-b) echo "tar: unrecognized option '$1'" >&2; exit 1;; esac\n`}echo "$*" >> '${log}'\nexec /usr/bin/tar "$@"\n`;

    it.each([
      ['GNU tar gets 1 MiB records (-b 2048), so it writes the binary a MiB at a time', true, (out: string) => `--version\n-b 2048 -xf - -C ${out}\n`],
      ['another tar keeps its default, and its complaint about --version is not shown', false, (out: string) => `-xf - -C ${out}\n`],
    ])('%s', async (_label, gnu, args) => {
      const log = join(work, 'tar-args');
      await expectExtractsWith({ ...PERL_TOOLS, tar: tarNoting(log, gnu) });
      expect(readFileSync(log, 'utf8')).toBe(args(join(work, 'out')));
    });
  });

  it('without perl, extracts with tar -xzf', async () => {
    await expectExtractsWith(GZIP_TOOLS);
  });

  it('with a perl that lacks Compress::Raw::Zlib, extracts with tar -xzf', async () => {
    await expectExtractsWith({ ...GZIP_TOOLS, perl: perlWithoutZlib() });
  });

  it('a tar that stops early (it cannot enter the destination) has the last word: its exit code and message, no broken pipe', async () => {
    const user = ensureTestUser('smoke-test');
    chmodSync(work, 0o755); // mkdtemp's 0700 would hide the archive and the tools from the user
    const locked = join(work, 'locked');
    mkdirSync(locked, { mode: 0o600 }); // root's, and the user may not enter it: mkdir -p passes, tar -C fails
    useTarGz(gzipSync(tarBytes));
    const res = await runWith(bin(), PERL_TOOLS, stage('tar.gz', { destination: locked, binaryPath: join(locked, 'ephemerd') }), { user });
    expect(res, res.stderr).toMatchObject({ code: 2, stdout: `sha256 ${sha}\n` });
    expect(res.stderr).toMatch(/^tar: .*locked: Cannot open: Permission denied\n/);
    expect(res.stderr).not.toMatch(/pipe|perl|gzip|line \d/i);
  });

  it('a tar killed by a signal (SIGXFSZ, past ulimit -f) ends the extraction with what the shell says under tar -xzf', async () => {
    useTarGz(gzipSync(tarBytes));
    // 2048 blocks of 512 bytes (dash) or 1 KiB (bash): less than ephemerd either way.
    const limited = `cd '${work}' && ulimit -c 0 && ulimit -f 2048 || exit 99\n${stage('tar.gz')}`;
    const viaPerl = await runWith(bin(), PERL_TOOLS, limited);
    expect(viaPerl).toMatchObject({ code: 128 + constants.signals.SIGXFSZ, stdout: `sha256 ${sha}\n` });
    expect(viaPerl.stderr).toMatch(/file size/i);
    expect(await runWith(bin(), GZIP_TOOLS, limited)).toEqual(viaPerl);
  });
});

describe('a zip extracted by perl', () => {
  // No unzip on PATH: only perl could have extracted anything.
  const PERL_TOOLS = { perl: '/usr/bin/perl', mkdir: '/usr/bin/mkdir', sha256sum: '/usr/bin/sha256sum' };
  const UNZIP_TOOLS = { unzip: '/usr/bin/unzip', mkdir: '/usr/bin/mkdir', sha256sum: '/usr/bin/sha256sum' };
  // Not a whole number of the 1 MiB reads; random, so deflate stores it.
  const big = randomBytes(3 * 1024 * 1024 + 12345);
  const text = Buffer.from('ephemerd boots a VM per job\n'.repeat(60_000));
  const out = () => join(work, 'out');

  async function useZip(entries: ZipEntrySpec[]): Promise<void> {
    const path = join(work, 'a.zip');
    await writeZip(path, entries);
    useArchive(readFileSync(path), 'a.zip');
  }

  /** Every path under `dir` with its kind, permission bits and content (a link: its target). */
  function tree(dir: string, prefix = ''): Record<string, string> {
    const found: Record<string, string> = {};
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const key = prefix + name;
      const st = lstatSync(path);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) found[key] = `link -> ${readlinkSync(path)}`;
      else if (st.isDirectory()) Object.assign(found, { [key]: `dir ${mode}` }, tree(path, `${key}/`));
      else found[key] = `file ${mode} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
    }
    return found;
  }

  /** Extracts with perl alone, then with unzip alone, and expects the same tree from both. */
  async function expectSameAsUnzip(): Promise<Record<string, string>> {
    const viaPerl = await runWith(bin(), PERL_TOOLS, stage('zip'));
    expect(viaPerl).toEqual({ code: 0, stdout: staged(big), stderr: '' });
    const extracted = tree(out());
    rmSync(out(), { recursive: true });
    expect(await runWith(bin(), UNZIP_TOOLS, stage('zip'))).toEqual(viaPerl);
    expect(tree(out())).toEqual(extracted);
    return extracted;
  }

  it('extracts files, folders and Unix modes byte for byte with no unzip on PATH, as unzip does', async () => {
    await useZip([
      { name: 'ephemerd', data: big, unixMode: 0o100755 },
      { name: 'docs/', unixMode: 0o40750 },
      { name: 'docs/notes.txt', data: text, unixMode: 0o100640, level: 9 },
      { name: 'README', data: Buffer.from('hello\n'), method: 'store', unixMode: 0o100644 },
      // Made on Windows: no Unix mode, and no folder entries above it.
      { name: 'deep/er/file.txt', data: Buffer.from('no folder entry above me\n') },
      { name: 'empty', data: Buffer.alloc(0), unixMode: 0o100600 },
    ]);
    const extracted = await expectSameAsUnzip();
    expect(Object.keys(extracted)).toEqual(['README', 'deep', 'deep/er', 'deep/er/file.txt', 'docs', 'docs/notes.txt', 'empty', 'ephemerd']);
    expect(readFileSync(join(out(), 'ephemerd')).equals(big)).toBe(true);
    expect(readFileSync(join(out(), 'docs', 'notes.txt')).equals(text)).toBe(true);
    expect(statSync(join(out(), 'ephemerd')).mode & 0o777).toBe(0o755);
    expect(statSync(join(out(), 'docs')).mode & 0o777).toBe(0o750);
  });

  it("takes sizes and CRCs from the central directory when the entries carry data descriptors, as Go's archive/zip writes them", async () => {
    await useZip([
      { name: 'ephemerd', data: big, unixMode: 0o100755, dataDescriptor: true },
      { name: 'NOTES', data: text, unixMode: 0o100644, dataDescriptor: true, method: 'store' },
    ]);
    await expectSameAsUnzip();
  });

  it('extracts a zip as PowerShell writes it (the stand-in windows build), as unzip does', async () => {
    await useZip([{ name: 'ephemerd', data: big }]);
    const extracted = await expectSameAsUnzip();
    expect(Object.keys(extracted)).toEqual(['ephemerd']);
  });

  it('inflates 64 MiB of zeros in bounded memory (ulimit -v 60 MB), a MiB at a time', async () => {
    await useZip([{ name: 'ephemerd', data: zeros(64 * 1024 * 1024), unixMode: 0o100755 }]);
    const res = await runWith(bin(), PERL_TOOLS, `ulimit -v 60000 || exit 99\n${stage('zip')}`);
    expect(res).toEqual({ code: 0, stdout: staged(Buffer.alloc(64 * 1024 * 1024)), stderr: '' });
    expect(statSync(join(out(), 'ephemerd')).size).toBe(64 * 1024 * 1024);
  });

  const flipAt = (at: (zip: Buffer) => number) => (zip: Buffer) => Buffer.from(zip.map((byte, i) => (i === at(zip) ? byte ^ 0xff : byte)));
  // The last column: whether Info-ZIP's unzip fails too. It does not check an entry's recorded size
  // against its data; the inspection does (and fails such an archive before it reaches a host), and so does this.
  it.each<[string, ZipEntrySpec[], ((zip: Buffer) => Buffer) | null, RegExp, boolean]>([
    ['a flipped byte in a stored entry', [{ name: 'ephemerd', data: big, method: 'store' }], flipAt(() => 100_000), /^ephemerd: bad CRC [0-9a-f]{8} \(should be [0-9a-f]{8}\)$/, true],
    ['a flipped byte in a deflated entry', [{ name: 'ephemerd', data: text, level: 9 }], flipAt(() => 1000), /^ephemerd: (bad CRC|\d+ bytes where the zip records 1680000|invalid|incorrect)/, true],
    ['a CRC that does not match the data', [{ name: 'ephemerd', data: big, crc32: 0x12345678 }], null, /^ephemerd: bad CRC [0-9a-f]{8} \(should be 12345678\)$/, true],
    ['more data than the recorded size', [{ name: 'ephemerd', data: big, declaredSize: 1000 }], null, /^ephemerd: more data than its recorded size \(1000 bytes\)$/, false],
    ['less data than the recorded size', [{ name: 'ephemerd', data: big, declaredSize: big.length + 1 }], null, new RegExp(`^ephemerd: ${big.length} bytes where the zip records ${big.length + 1}$`), false],
    ['an archive cut in half', [{ name: 'ephemerd', data: big }], (zip) => zip.subarray(0, zip.length >> 1), /^no end of central directory record: not a zip, or cut short$/, true],
    ['an empty file', [], () => Buffer.alloc(0), /^no end of central directory record: not a zip, or cut short$/, true],
  ])('fails on %s, naming the archive and the entry', async (_label, entries, spoil, words, unzipFails) => {
    await useZip(entries);
    if (spoil) useArchive(spoil(readFileSync(archive)), 'a.zip');
    const res = await runWith(bin(), PERL_TOOLS, stage('zip'));
    expect(res, res.stderr).toMatchObject({ code: 1, stdout: `sha256 ${sha}\n` });
    // The first line is what the upload check reports.
    const [first] = res.stderr.split('\n');
    expect(first!.startsWith(`unzip: ${archive}: `), first).toBe(true);
    expect(first!.slice(`unzip: ${archive}: `.length)).toMatch(words);
    rmSync(out(), { recursive: true, force: true });
    const unzip = await runWith(bin(), UNZIP_TOOLS, stage('zip'));
    expect(unzip.code !== 0).toBe(unzipFails);
  });

  it.each(['../escaped', '/tmp/absolute', 'docs/../../escaped'])('refuses to write the entry %s outside the destination, before writing anything', async (name) => {
    await useZip([{ name: 'ephemerd', data: big }, { name, data: Buffer.from('out of bounds\n') }]);
    const res = await runWith(bin(), PERL_TOOLS, stage('zip'));
    expect(res).toEqual({ code: 1, stdout: `sha256 ${sha}\n`, stderr: `unzip: ${archive}: refusing to write ${name} outside the destination\n` });
    expect(readdirSync(out())).toEqual([]);
    expect(existsSync(join(work, 'escaped'))).toBe(false);
  });

  describe('what perl leaves to unzip', () => {
    const link = (): ZipEntrySpec[] => [{ name: 'ephemerd', data: big, unixMode: 0o100755 }, { name: 'current', data: Buffer.from('ephemerd'), unixMode: 0o120777, method: 'store' }];

    it('a zip holding a symlink is extracted by unzip, which makes the link', async () => {
      await useZip(link());
      const res = await runWith(bin(), { ...PERL_TOOLS, ...UNZIP_TOOLS }, stage('zip'));
      expect(res).toEqual({ code: 0, stdout: staged(big), stderr: '' });
      expect(tree(out()).current).toBe('link -> ephemerd');
    });

    it('without unzip, that zip fails as a missing unzip does, with nothing written', async () => {
      await useZip(link());
      const res = await runWith(bin(), PERL_TOOLS, stage('zip'));
      expect(res).toMatchObject({ code: 127, stdout: `sha256 ${sha}\n` });
      expect(res.stderr).toMatch(/unzip: not found/);
      expect(readdirSync(out())).toEqual([]);
    });

    it('without perl, unzip extracts', async () => {
      await useZip([{ name: 'ephemerd', data: big, unixMode: 0o100755 }]);
      expect(await runWith(bin(), UNZIP_TOOLS, stage('zip'))).toEqual({ code: 0, stdout: staged(big), stderr: '' });
      expect(readFileSync(join(out(), 'ephemerd')).equals(big)).toBe(true);
    });

    it('with a perl that lacks Compress::Raw::Zlib, unzip extracts', async () => {
      await useZip([{ name: 'ephemerd', data: big, unixMode: 0o100755 }]);
      expect(await runWith(bin(), { ...UNZIP_TOOLS, perl: perlWithoutZlib() }, stage('zip'))).toEqual({ code: 0, stdout: staged(big), stderr: '' });
      expect(readFileSync(join(out(), 'ephemerd')).equals(big)).toBe(true);
    });
  });
});
