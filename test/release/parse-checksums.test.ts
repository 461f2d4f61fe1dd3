import { describe, expect, it } from 'vitest';
import { parseChecksums } from '../../src/release/parse-checksums.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const MIXED = '0123456789ABCDEFabcdef'.padEnd(64, 'F');

describe('parseChecksums', () => {
  it('reads GNU sha256sum output with line numbers', () => {
    const parsed = parseChecksums(`${A}  ephemerd_v1.2.3_linux_amd64.tar.gz\n${B}  ephemerd_v1.2.3_windows_amd64.zip\n`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries).toEqual([
      { name: 'ephemerd_v1.2.3_linux_amd64.tar.gz', sha256: A, line: 1 },
      { name: 'ephemerd_v1.2.3_windows_amd64.zip', sha256: B, line: 2 },
    ]);
  });

  it('accepts one space, the binary marker, CRLF, a BOM, and uppercase hex (normalised)', () => {
    const parsed = parseChecksums(`\uFEFF${A} one.tar.gz\r\n${B} *two.zip\r\n${MIXED}  three.tar.gz`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((e) => [e.name, e.sha256, e.line])).toEqual([
      ['one.tar.gz', A, 1],
      ['two.zip', B, 2],
      ['three.tar.gz', MIXED.toLowerCase(), 3],
    ]);
  });

  it('keeps spaces inside names: the name is everything after the separator', () => {
    const parsed = parseChecksums(`${A}  my archive  v2.tar.gz\n`);
    expect(parsed.entries[0]?.name).toBe('my archive  v2.tar.gz');
  });

  it('unescapes GNU backslash-escaped names', () => {
    const parsed = parseChecksums(`\\${A}  dir\\\\file\\nname.zip\n`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries[0]?.name).toBe('dir\\file\nname.zip');
  });

  it('reports a bad escape by line', () => {
    const parsed = parseChecksums(`${A}  ok.zip\n\\${A}  bad\\tname.zip\n`);
    expect(parsed.entries.map((e) => e.name)).toEqual(['ok.zip']);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ line: 2, severity: 'error' });
    expect(parsed.problems[0]?.message).toMatch(/^checksums\.txt:2: bad escape in file name "bad\\\\tname\.zip"/);
  });

  it('reports malformed lines and wrong digest lengths with line and name', () => {
    const sha1 = 'c'.repeat(40);
    const parsed = parseChecksums(`${A}  good.zip\nnot a checksum line\n${sha1}  short.zip\n${A}\n`, 'SUMS');
    expect(parsed.entries.map((e) => e.name)).toEqual(['good.zip']);
    expect(parsed.problems.map((p) => p.message)).toEqual([
      'SUMS:2: malformed line; expected "<64 hex digits>  <file name>": "not a checksum line"',
      'SUMS:3: digest for "short.zip" has 40 hex digits; SHA-256 has 64',
      'SUMS:4: malformed line; expected "<64 hex digits>  <file name>": "' + A + '"',
    ]);
    expect(parsed.problems[1]?.name).toBe('short.zip');
  });

  it('names the BSD tag format when it sees it', () => {
    const parsed = parseChecksums(`SHA256 (one.zip) = ${A}\n`);
    expect(parsed.problems[0]?.message).toMatch(/^checksums\.txt:1: BSD-style/);
  });

  it('reports a name listed twice with different digests as an error, same digest as a warning', () => {
    const parsed = parseChecksums(`${A}  x.zip\n${A}  x.zip\n${B}  x.zip\n`);
    expect(parsed.problems).toEqual([
      { line: 2, name: 'x.zip', severity: 'warning', message: 'checksums.txt:2: "x.zip" listed again with the same digest (first on line 1)' },
      {
        line: 3,
        name: 'x.zip',
        severity: 'error',
        message: `checksums.txt:3: "x.zip" listed again with a different digest (line 1: ${A}, here: ${B})`,
      },
    ]);
  });

  it.each(['', '\n', '\uFEFF', '# only a comment\n'])('reports an empty file (%j)', (text) => {
    const parsed = parseChecksums(text);
    expect(parsed.entries).toEqual([]);
    expect(parsed.problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual([
      'checksums.txt: no checksum entries (the file is empty)',
    ]);
  });

  it('warns about blank lines in the middle but still reads the rest', () => {
    const parsed = parseChecksums(`${A}  a.zip\n\n${B}  b.zip\n`);
    expect(parsed.entries.map((e) => e.line)).toEqual([1, 3]);
    expect(parsed.problems).toEqual([{ line: 2, severity: 'warning', message: 'checksums.txt:2: blank line ignored' }]);
  });
});
