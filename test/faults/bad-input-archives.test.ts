import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformId } from '../../src/domain/platform.ts';
import { makeStandInBinary } from '../../src/sandbox/stand-in/binary.ts';
import { forbiddenWrites } from '../e2e/publish-guard.ts';
import { writeTarGz } from '../support/write-tar-gz.ts';
import { writeZip, zeros, type ZipEntrySpec } from '../support/write-zip.ts';
import { cell, startBadDraft, type BadDraft } from './bad-draft.ts';

// Broken and malicious archives on a real draft, through `smoke run`: each one's checksum line
// is right, so the `archive` check is the one that fails, names the entry, and no host sees
// the archive. The readers' and rules' edge cases are unit-tested in test/archive.

let bad: BadDraft;
beforeAll(async () => {
  // A small cap, so a zip bomb can be small too.
  bad = await startBadDraft({ config: { inspect: { maxExtractedBytes: '1MB' } } });
});
afterAll(() => bad.close());

const LINUX: PlatformId = 'linux/amd64';
const WINDOWS: PlatformId = 'windows/amd64';
const binary = (platform: PlatformId) => makeStandInBinary({ platform, behaviour: { version: 'v0.0.1', variant: 'good' } });
let n = 0;
const file = () => join(bad.dir, `broken-${++n}`);

async function tarGz(entries: Parameters<typeof writeTarGz>[1]): Promise<string> {
  const path = file();
  await writeTarGz(path, entries);
  return path;
}
async function zip(entries: ZipEntrySpec[]): Promise<string> {
  const path = file();
  await writeZip(path, entries);
  return path;
}

/** Exit 1, `archive` fail naming what is wrong, upload skipped, no run directory on any host. */
async function expectArchiveFail(platform: PlatformId, path: string, ...words: string[]): Promise<void> {
  bad.setArchive(platform, path);
  const run = await bad.run(platform);
  expect(run.stderr).not.toContain('internal error');
  expect(run.code, run.stderr).toBe(1);
  expect(cell(run.report, platform, 'checksum')?.status).toBe('pass');
  const archive = cell(run.report, platform, 'archive');
  expect(archive?.status, archive?.detail).toBe('fail');
  for (const w of words) expect(archive?.detail).toContain(w);
  expect(cell(run.report, platform, 'upload')).toMatchObject({ status: 'skipped' });
  expect(run.report?.platforms[0]?.host).toBeNull();
  expect(bad.workdirEntries()).toEqual([]);
  expect(forbiddenWrites(bad.sb.fake)).toEqual([]);
}

describe('a broken or hostile archive fails its `archive` check (exit 1) and never reaches a host', () => {
  it('not gzip at all', async () => {
    const path = file();
    await writeFile(path, 'PK\u0003\u0004 this is a zip header in a .tar.gz, then nothing\n');
    await expectArchiveFail(LINUX, path, 'gzip');
  });

  it('a truncated tar.gz', async () => {
    const whole = await tarGz([{ name: 'ephemerd', mode: 0o755, data: Buffer.concat([binary(LINUX), Buffer.alloc(200_000, 7)]) }]);
    const cut = file();
    const bytes = readFileSync(whole);
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectArchiveFail(LINUX, cut, 'truncated');
  });

  it('a zip with a `..` entry', async () => {
    const path = await zip([{ name: '../ephemerd.exe', data: binary(WINDOWS) }]);
    await expectArchiveFail(WINDOWS, path, '../ephemerd.exe', '`..`');
  });

  it('a tar with an absolute path', async () => {
    const path = await tarGz([{ name: '/usr/local/bin/ephemerd', mode: 0o755, data: binary(LINUX) }]);
    await expectArchiveFail(LINUX, path, '/usr/local/bin/ephemerd', 'absolute path');
  });

  it('a tar with a symlink out of the archive', async () => {
    const path = await tarGz([
      { name: 'ephemerd', mode: 0o755, data: binary(LINUX) },
      { name: 'escape', type: 'symlink', linkname: '../../../etc/passwd' },
    ]);
    await expectArchiveFail(LINUX, path, 'escape', '../../../etc/passwd', 'outside the archive');
  });

  it('a zip bomb beyond inspect.maxExtractedBytes', async () => {
    const path = await zip([{ name: 'ephemerd.exe', data: zeros(8 * 1024 * 1024), level: 9 }]);
    await expectArchiveFail(WINDOWS, path, 'ephemerd.exe');
  });

  it('two binaries', async () => {
    const path = await tarGz([
      { name: 'ephemerd', mode: 0o755, data: binary(LINUX) },
      { name: 'ephemerd-debug', mode: 0o755, data: binary(LINUX) },
    ]);
    await expectArchiveFail(LINUX, path, 'ephemerd-debug');
  });

  it('a directory where the binary should be', async () => {
    const path = await tarGz([
      { name: 'ephemerd/', type: 'directory', mode: 0o755 },
      { name: 'ephemerd/ephemerd', mode: 0o755, data: binary(LINUX) },
    ]);
    await expectArchiveFail(LINUX, path, 'ephemerd');
  });
});

// Readers that disagree: the inspection (tar-stream, yauzl) must judge the bytes the host's
// extractor (GNU tar, perl, unzip) writes. Each archive here makes GNU tar or perl write another
// binary than the one inspected: the ambiguous ones are refused before a host sees them, and the
// one no rule names is caught on the host by the extracted binary's hash.
describe('an archive whose readers disagree never runs bytes nobody inspected', () => {
  const ARM = makeStandInBinary({ platform: 'linux/arm64', behaviour: { version: 'v0.0.1', variant: 'good' } });

  it('a tar with a PAX global header (GNU tar renames what follows) is refused, naming the header', async () => {
    const path = await tarGz([
      { name: 'ephemerd', mode: 0o755, data: binary(LINUX) },
      { paxGlobal: { path: 'ephemerd' } },
      { name: './', mode: 0o755, data: ARM },
    ]);
    await expectArchiveFail(LINUX, path, 'PAX global header', 'path');
  });

  it('a zip whose Unicode Path field differs from the stored name is refused, naming both', async () => {
    // yauzl reads the second entry as ephemerd.exe (a PE); perl and unzip -UU write the ELF in the first.
    const path = await zip([
      { name: 'ephemerd.exe', data: ARM, unicodePath: 'docs/' },
      { name: 'docs/', unicodePath: 'ephemerd.exe', data: binary(WINDOWS) },
    ]);
    await expectArchiveFail(WINDOWS, path, 'ephemerd.exe', 'Unicode Path');
  });

  it('a tar that GNU tar extracts differently (GNU.sparse.name) fails the upload check on the real host, naming both hashes', async () => {
    const good = binary(LINUX);
    const path = await tarGz([
      { name: 'ephemerd', mode: 0o755, data: good },
      { name: './', mode: 0o755, data: ARM, pax: { 'GNU.sparse.name': 'ephemerd' } },
    ]);
    bad.setArchive(LINUX, path);
    const run = await bad.run(LINUX);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code, run.stderr).toBe(1);
    expect(cell(run.report, LINUX, 'archive')).toMatchObject({ status: 'pass' });
    const upload = cell(run.report, LINUX, 'upload');
    expect(upload?.status, upload?.detail).toBe('fail');
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(upload?.detail).toContain(`has sha256 ${sha(ARM)}`);
    expect(upload?.detail).toContain(`the inspection judged has sha256 ${sha(good)}`);
    // Nothing ran: the probes after the upload are skipped, and the run directory is gone.
    expect(cell(run.report, LINUX, 'version')).toMatchObject({ status: 'skipped' });
    expect(bad.workdirEntries()).toEqual([]);
  });
});
