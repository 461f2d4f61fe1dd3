import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toReportJson } from '../../src/report/json.ts';
import { sampleReport } from '../report/sample-report.ts';
import { runCli } from '../support/cli-io.ts';

// What `smoke merge` refuses before it asks GitHub anything: no token or repository is set, so
// reaching GitHub would be a different error. Exit 2, one line naming the path, no stack.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoke-merge-input-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function merge(...args: string[]) {
  const run = await runCli(['merge', ...args, '--reports', join(dir, 'merged')], {});
  expect(run.stderr).not.toContain('internal error');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  return run;
}

describe('smoke merge: its input', () => {
  it('a path that does not exist, a folder without reports, no argument at all', async () => {
    const missing = join(dir, 'nowhere', 'report.json');
    expect(await merge(missing)).toMatchObject({ code: 2, stderr: `smoke: ${missing}: no such file or folder\n` });
    await mkdir(join(dir, 'empty'));
    expect(await merge(join(dir, 'empty'))).toMatchObject({ code: 2, stderr: `smoke: ${join(dir, 'empty')}: a folder without any report.json under it\n` });
    const none = await runCli(['merge'], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("missing required argument 'report'");
  });

  it('a folder of shards searched for report.json: reports of two commits are refused naming both', async () => {
    const a = join(dir, 'shards', 'smoke-shard-linux-amd64', 'v1.2.3', 'run-1');
    const b = join(dir, 'shards', 'smoke-shard-darwin-arm64', 'v1.2.3', 'run-2');
    await mkdir(a, { recursive: true });
    await mkdir(b, { recursive: true });
    await writeFile(join(a, 'report.json'), toReportJson(sampleReport({ runId: 'run-1', platforms: [sampleReport().platforms[0]!], verdict: 'pass', assetDigests: {} })));
    await writeFile(join(b, 'report.json'), toReportJson(sampleReport({ runId: 'run-2', commit: 'f'.repeat(40), platforms: [sampleReport().platforms[1]!], assetDigests: {} })));
    const run = await merge(join(dir, 'shards'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`the reports are of different commits: ${'f'.repeat(40)} in ${join(b, 'report.json')}; ${'c0ffee'.padEnd(40, '0')} in ${join(a, 'report.json')}`);
  });

  it('--tag another than the reports\' is refused naming the files', async () => {
    const file = join(dir, 'report.json');
    await writeFile(file, toReportJson(sampleReport()));
    const run = await merge(file, '--tag', 'v9.9.9');
    expect(run).toMatchObject({ code: 2, stderr: `smoke: --tag v9.9.9: the reports are of v1.2.3 (${file}); nothing was posted\n` });
  });
});
