import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumsText } from '../../src/sandbox/stand-in/release.ts';
import { forbiddenWrites } from '../e2e/publish-guard.ts';
import { assetName, cell, startBadDraft, type BadDraft } from './bad-draft.ts';

// checksums.txt as a release pipeline might get it wrong, on a real draft in the fake GitHub,
// through `smoke run`. The parser's rules are unit-tested in test/release; here a user sees
// the verdict, the exit code and a `checksum` cell naming checksums.txt and the line.

let bad: BadDraft;
let good: string;
let linux: string;
beforeAll(async () => {
  // The checksum is what is under test: the boot probe would only add time.
  bad = await startBadDraft({ probes: { boot: { mode: 'off' } } });
  good = checksumsText(bad.sb.release.assets);
  linux = assetName(bad.sb, 'linux/amd64');
});
afterAll(() => bad.close());

/** The linux/amd64 archive is line 2 of the sorted file (darwin, linux_amd64, linux_arm64, windows). */
const LINUX_LINE = 2;
const editLinux = (edit: (line: string) => string) =>
  good
    .split('\n')
    .map((l) => (l.endsWith(`  ${linux}`) ? edit(l) : l))
    .join('\n');

async function expectAccepted(text: string): Promise<void> {
  bad.setChecksums(text);
  const run = await bad.run('linux/amd64');
  expect(run.stderr).not.toContain('internal error');
  expect(run.code, run.stderr).toBe(0);
  expect(cell(run.report, 'linux/amd64', 'checksum')?.detail).toContain(`checksums.txt:${LINUX_LINE}`);
  expect(run.report?.verdict).toBe('pass');
}

async function expectRefused(text: string, ...words: string[]): Promise<string> {
  return expectRefusedAndPosted(false, text, ...words);
}

async function expectRefusedAndPosted(post: boolean, text: string, ...words: string[]): Promise<string> {
  bad.setChecksums(text);
  const before = bad.sb.fake.requests.length;
  const run = await bad.run('linux/amd64', post);
  expect(run.stderr).not.toContain('internal error');
  expect(run.code, run.stderr).toBe(1);
  const check = cell(run.report, 'linux/amd64', 'checksum');
  expect(check?.status).toBe('fail');
  for (const w of words) expect(check?.detail).toContain(w);
  // The archive never reached a host.
  expect(cell(run.report, 'linux/amd64', 'upload')?.status).toBe('skipped');
  expect(bad.workdirEntries()).toEqual([]);
  // Posted when asked (the body section and the status), and nothing else was written.
  const writes = bad.sb.fake.requests.slice(before).filter((r) => r.method !== 'GET').map((r) => r.method);
  expect(writes.includes('PATCH')).toBe(post);
  if (post) expect(bad.sb.fake.statuses(bad.sb.commit)[0]).toMatchObject({ state: 'failure' });
  expect(forbiddenWrites(bad.sb.fake)).toEqual([]);
  return check?.detail ?? '';
}

describe('checksums.txt variants a parser must accept: the run passes', () => {
  // One run for all three (each host run costs seconds); test/release parses each one alone.
  it('a byte-order mark, CRLF line ends and uppercase hex', () =>
    expectAccepted(`\uFEFF${editLinux((l) => l.slice(0, 64).toUpperCase() + l.slice(64))}`.replace(/\n/g, '\r\n')));
});

describe('broken checksums.txt: the platform fails (exit 1) with a cell naming the file and the line', () => {
  it('an empty file', async () => {
    const detail = await expectRefused('', 'checksums.txt', 'empty', linux);
    expect(detail).not.toMatch(/checksums\.txt:\d/);
  });

  it('a digest of the wrong length', () => expectRefused(editLinux((l) => l.slice(1)), `checksums.txt:${LINUX_LINE}:`, '63 hex digits'));

  it('a duplicate line with a different digest (and the failure is posted)', async () => {
    const other = `${'0'.repeat(64)}  ${linux}\n`;
    await expectRefusedAndPosted(true, good + other, 'checksums.txt:5:', 'listed again with a different digest', `line ${LINUX_LINE}`);
  });

  it('the archive listed under a name with spaces', () =>
    expectRefused(editLinux((l) => l.replace(linux, linux.replace(/_/g, ' '))), `checksums.txt:${LINUX_LINE}`, linux.replace(/_/g, ' '), 'no entry for'));
});

describe('a checksums.txt too large to be one', () => {
  it('over the 1 MB cap: a `fail` naming the file and the cap, not downloaded, no host touched', async () => {
    // 2 MB of plausible lines for archives that do not exist, after the real ones.
    const junk = Array.from({ length: 20_000 }, (_, i) => `${'ab'.repeat(32)}  ephemerd_v0.0.1_junk_${i}.tar.gz`).join('\n');
    const before = bad.sb.fake.requests.length;
    const detail = await expectRefused(`${good}${junk}\n`, 'checksums.txt', 'over the 1 MB cap');
    expect(detail).toContain('checksums.txt is 2.0 MB, over the 1 MB cap for a checksums file; not downloaded');
    // The archive itself came from storage; checksums.txt (its asset id is the newest) never did.
    const checksumsId = bad.sb.fake.release(bad.sb.releaseId).assets.find((a) => a.name === 'checksums.txt')!.id;
    const asked = bad.sb.fake.requests.slice(before).filter((r) => r.path.includes(`/releases/assets/${checksumsId}`));
    expect(asked).toEqual([]);
  });

  it('under the cap but full of problems: five warnings, then one line counting the rest', async () => {
    // 3000 bad lines, and 3 lines for the archives of the platforms not tested (orphans): 3003 warnings.
    const junk = Array.from({ length: 3000 }, (_, i) => `not a checksum line ${i}`).join('\n');
    bad.setChecksums(`${good}${junk}\n`);
    const run = await bad.run('linux/amd64');
    expect(run.code, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((l) => / warning: /.test(l));
    expect(warnings, warnings.join('\n')).toHaveLength(6);
    expect(warnings[0]).toContain('checksums.txt:5:');
    expect(warnings[5]).toContain('checksums.txt: 2998 more problems like these not shown');
  });
});
