import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { tagFolder } from '../../src/report/write-reports.ts';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/fake-github/index.ts';
import { startSandbox } from '../../src/sandbox/sandbox.ts';
import { forbiddenWrites } from '../e2e/publish-guard.ts';
import { runCli } from '../support/cli-io.ts';

// Tags come from a person's command line or from whoever created the draft. A tag that is not
// a release tag is refused before any request; one the pattern accepts never reaches a shell
// unquoted. The quoting functions themselves are tested in test/shells.

let fake: FakeGitHub;
let dir: string;
let config: string;
let env: Record<string, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoke-bad-tags-'));
  fake = await startFakeGitHub();
  await writeFile(join(dir, 'key'), 'not a real key\n', { mode: 0o600 });
  config = join(dir, 'hosts.yaml');
  const host = { name: 'lin-1', platform: 'linux/amd64', address: '127.0.0.1', user: 'smoke', identityFile: 'key', insecureAcceptAnyHostKey: true };
  await writeFile(config, stringify({ repo: 'ephpm/ephemerd', platforms: { 'linux/amd64': {} }, hosts: [host] }));
  env = { GITHUB_API_URL: fake.url, GITHUB_TOKEN: 'push-token', SMOKE_CACHE_DIR: join(dir, 'cache') };
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const rejected: Array<[string, string]> = [
  ['a shell separator', 'v0.0.1;reboot'],
  ['a command substitution', '$(id)'],
  ['quotes', `v0.0.1'"\``],
  ['a space', 'v0.0.1 rc'],
  ['a newline', 'v0.0.1\nsmoke: all platforms passed'],
];

describe('a tag that is not a release tag: exit 2, quoted on one line, no request to GitHub', () => {
  for (const [what, tag] of rejected) {
    it(`refuses a tag with ${what}`, async () => {
      fake.requests.length = 0;
      const run = await runCli(['run', tag, '--config', config, '--reports', join(dir, 'reports')], env);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toBe(`smoke: ${JSON.stringify(tag)} is not a release tag (pattern ^v[0-9]+\\.[0-9]+\\.[0-9]+(-[A-Za-z0-9.]+)?$)\n`);
      expect(fake.requests).toEqual([]);
    });
  }

  it('refuses a 10 000-character tag and quotes only its start, saying how long it was', async () => {
    fake.requests.length = 0;
    const tag = `v0.0.1-${'a'.repeat(9_993)}`;
    const run = await runCli(['run', tag, '--config', config, '--reports', join(dir, 'reports')], env);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr.length).toBeLessThan(300);
    expect(run.stderr).toContain('(10000 characters) is not a release tag');
    expect(fake.requests).toEqual([]);
  });
});

describe('a hostile tag the config accepts (tagPattern ^.*$) reaches no shell unquoted', () => {
  const canary = `smoke-canary-${randomBytes(4).toString('hex')}`;
  // No spaces or slashes: git allows none in a tag, and asset names become file names.
  const touch = `cd;touch\${IFS}${canary}`;
  const tag = `v0.0.1-x'";${touch};'$(${touch})\`${touch}\`"`;
  // The sandbox's sshd logs in as root: an injected `cd` lands in root's home.
  const canaryPath = join(userInfo().homedir, canary);
  afterEach(() => rm(canaryPath, { force: true }));

  it('runs the whole draft: the version probe expects the hostile line and passes, no canary is created', async () => {
    const sbDir = await mkdtemp(join(tmpdir(), 'smoke-hostile-tag-'));
    const sb = await startSandbox({ dir: sbDir, tag, probes: { boot: { timeoutSeconds: 10, healthz: false, stopGraceSeconds: 2 } } });
    try {
      const raw = parse(await readFile(sb.configPath, 'utf8')) as Record<string, unknown>;
      raw.release = { tagPattern: '^.*$' };
      await writeFile(sb.configPath, stringify(raw));
      const run = await runCli(['run', tag, '--config', sb.configPath, '--reports', join(sbDir, 'reports'), '--json', '--platform', 'linux/amd64'], sb.env);
      expect(run.stderr).not.toContain('internal error');
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as RunReport;
      const version = report.platforms[0]?.checks.find((c) => c.name === 'version');
      expect(version).toMatchObject({ status: 'pass' });
      expect(version?.detail).toContain(`ephemerd version ${tag}`);
      expect(existsSync(canaryPath)).toBe(false);
      expect(forbiddenWrites(sb.fake)).toEqual([]);
      // Reports live under the tag's folder: the tag made one safe path segment.
      expect(existsSync(join(sbDir, 'reports', tagFolder(tag), report.runId, 'report.json'))).toBe(true);
    } finally {
      await sb.close();
      await rm(sbDir, { recursive: true, force: true });
    }
  });
});
