import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { runCli } from '../support/cli-io.ts';

// A mistake in hosts.yaml stops `smoke run` before it asks GitHub anything: exit 2, one line
// naming file:line:col and the key. The loader's own rules are unit-tested in test/config;
// these go through the CLI as a user would.

let fake: FakeGitHub;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoke-bad-config-'));
  fake = await startFakeGitHub();
  fake.setBranch('main', 'a'.repeat(40));
  fake.addRelease({ tag_name: 'v0.0.1', draft: true, target_commitish: 'main' });
  await writeFile(join(dir, 'key'), 'not a real key\n', { mode: 0o600 });
  env = { GITHUB_API_URL: fake.url, GITHUB_TOKEN: 'push-token', GITHUB_REPOSITORY: 'ephpm/ephemerd', SMOKE_CACHE_DIR: join(dir, 'cache') };
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.requests.length = 0;
});

const host = (name: string, extra: string[] = [], platform = 'linux/amd64'): string[] => [
  `  - name: ${name}`,
  `    platform: ${platform}`,
  '    address: 127.0.0.1',
  '    user: smoke',
  '    identityFile: key',
  '    insecureAcceptAnyHostKey: true',
  ...extra.map((row) => `    ${row}`),
];
const onePlatform = ['repo: ephpm/ephemerd', 'platforms:', '  linux/amd64: {}', 'hosts:'];

/** Runs `smoke run v0.0.1` with these hosts.yaml rows; returns what the user sees. */
async function runWith(rows: string[], name = 'hosts.yaml') {
  const file = join(dir, name);
  await writeFile(file, rows.join('\n') + '\n');
  const run = await runCli(['run', 'v0.0.1', '--config', file, '--reports', join(dir, 'reports')], env);
  return { ...run, file };
}

/** Exit 2, exactly one line on stderr at `file:line:col`, no stack, and GitHub never asked. */
function expectConfigError(run: { code: number; stdout: string; stderr: string; file: string }, line: number, ...words: string[]): string {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^smoke: ${escapeRe(run.file)}:${line}:\\d+[: ]`));
  for (const w of words) expect(lines[0]).toContain(w);
  expect(fake.requests).toEqual([]);
  return lines[0]!;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('bad hosts.yaml through `smoke run`: exit 2, file:line:col and key, nothing sent to GitHub', () => {
  it('accepts the base file the cases below break (so each case breaks exactly one thing)', async () => {
    const run = await runWith([...onePlatform, ...host('lin-1')]);
    expect(run.stderr).not.toContain('hosts.yaml');
    // The config loaded, so the run went on to GitHub (reads only) and found the draft incomplete.
    expect(run.code, run.stderr).toBe(3);
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('not YAML at all: names the line and column of the syntax error', async () => {
    const run = await runWith([...onePlatform, '  - name: [lin-1', '    platform: linux/amd64']);
    expectConfigError(run, 6, 'not valid YAML');
  });

  it('an unknown key: names it, where it is, and the key it probably meant', async () => {
    const run = await runWith([...onePlatform, ...host('lin-1', ['adress: 127.0.0.2'])]);
    expectConfigError(run, 11, 'adress', 'address');
  });

  it('a wrong type: names the key and what it wanted', async () => {
    const run = await runWith([...onePlatform, ...host('lin-1', ['port: twenty-two'])]);
    expectConfigError(run, 11, 'port');
  });

  it('a duplicate host name: names the host and both lines', async () => {
    const run = await runWith([...onePlatform, ...host('lin-1'), ...host('lin-1')]);
    const line = expectConfigError(run, 11, 'lin-1');
    expect(line).toContain('5');
  });

  it('a platform with no host is no config mistake: it is judged without one (test/faults/static-checks)', async () => {
    const run = await runWith(['repo: ephpm/ephemerd', 'platforms:', '  linux/amd64: {}', '  linux/arm64: {}', 'hosts:', ...host('lin-1')]);
    expect(run.code, run.stderr).not.toBe(2);
    expect(run.stderr).not.toContain('no host for expected platform');
  });

  it('an identityFile that does not exist: names the host, the key and the resolved path', async () => {
    const run = await runWith([...onePlatform, ...host('lin-1').map((r) => r.replace('identityFile: key', 'identityFile: no-such-key'))]);
    expectConfigError(run, 9, 'lin-1', 'identityFile', join(dir, 'no-such-key'), 'does not exist');
  });

  it('an identityFile others can read (0644): names the mode and the fix', async () => {
    const loose = join(dir, 'loose-key');
    await writeFile(loose, 'not a real key\n');
    await chmod(loose, 0o644);
    const run = await runWith([...onePlatform, ...host('lin-1').map((r) => r.replace('identityFile: key', 'identityFile: loose-key'))]);
    expectConfigError(run, 9, 'lin-1', 'identityFile', 'mode 0644', `chmod 600 ${loose}`);
  });
});
