import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultWorld, type FaultWorld } from '../faults/fault-world.ts';
import { runCli } from '../support/cli-io.ts';
import pkg from '../../package.json' with { type: 'json' };

// gh's conventions, through the CLI against the fake GitHub: which token, which host, which repository.

let world: FaultWorld;
beforeAll(async () => {
  world = await faultWorld({ token: 'ghp_theRightOne0123456789' });
}, 180_000);
afterAll(async () => {
  await world.close();
});

/** The sandbox's environment without any token; `extra` adds to it. */
function envWith(extra: Record<string, string>): Record<string, string | undefined> {
  const { GITHUB_TOKEN: _token, ...rest } = world.sb.env;
  return { ...rest, SMOKE_GITHUB_RETRY_BASE_MS: '1', ...extra };
}

const gate = (env: Record<string, string | undefined>) => runCli(['gate', 'v0.0.1', '--config', world.sb.configPath], env);
const GOOD = 'ghp_theRightOne0123456789';

describe('gh conventions', () => {
  it('GH_TOKEN wins over GITHUB_TOKEN', async () => {
    const right = await gate(envWith({ GH_TOKEN: GOOD, GITHUB_TOKEN: 'ghp_wrong' }));
    expect(right.stderr).toBe('');
    expect(right.stdout).toContain('gate: closed: v0.0.1 was never tested');
    const wrong = await gate(envWith({ GH_TOKEN: 'ghp_wrong', GITHUB_TOKEN: GOOD }));
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/401|token/i);
  });

  it('without a token, asks `gh auth token` for the API host (a real gh stand-in script on PATH)', async () => {
    const bin = join(world.dir, 'gh-bin');
    const argsFile = join(world.dir, 'gh-args');
    await execFileP('mkdir', ['-p', bin]);
    await writeFile(join(bin, 'gh'), `#!/bin/sh\nprintf '%s\\n' "$*" > '${argsFile}'\n[ "$1 $2" = "auth token" ] && printf '%s\\n' '${GOOD}'\n`);
    await chmod(join(bin, 'gh'), 0o755);
    const run = await gate(envWith({ PATH: bin }));
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('gate: closed: v0.0.1 was never tested');
    expect((await readFile(argsFile, 'utf8')).trim()).toBe(`auth token --hostname ${new URL(world.sb.fake.url).host}`);

    // No gh on PATH and no token: a usage error that says what to set.
    const none = await gate(envWith({ PATH: join(world.dir, 'nothing-here') }));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no GitHub token: set GH_TOKEN or GITHUB_TOKEN');
  });

  it('GH_REPO wins over the config and GITHUB_REPOSITORY, and the run says what it overruled', async () => {
    const run = await gate(envWith({ GH_TOKEN: GOOD, GH_REPO: 'ephpm/ephemerd', GITHUB_REPOSITORY: 'your-org/release-smoke' }));
    expect(run.stdout).toContain('gate: closed: v0.0.1 was never tested');
    expect(run.stderr).toBe('smoke: repository ephpm/ephemerd from GH_REPO, not your-org/release-smoke from GITHUB_REPOSITORY\n');
    const elsewhere = await gate(envWith({ GH_TOKEN: GOOD, GH_REPO: 'someone/else' }));
    expect(elsewhere.stderr).toContain("smoke: repository someone/else from GH_REPO, not ephpm/ephemerd from the config's repo:");
    expect(elsewhere.code).not.toBe(0);
  });

  it('a malformed GITHUB_API_URL is exit 2 at once, naming the value', async () => {
    const before = world.sb.fake.requests.length;
    const run = await gate(envWith({ GH_TOKEN: GOOD, GITHUB_API_URL: 'not-a-url' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('smoke: GITHUB_API_URL "not-a-url" is not a URL (e.g. https://api.github.com or https://ghe.example.com/api/v3)\n');
    expect(world.sb.fake.requests.length).toBe(before);
  });

  it('an unreachable GitHub prints each retry, then exits 3 naming the host', async () => {
    const port = await closedPort();
    const run = await gate(envWith({ GH_TOKEN: GOOD, GITHUB_API_URL: `http://127.0.0.1:${port}` }));
    expect(run.code).toBe(3);
    const retries = run.stderr.split('\n').filter((l) => l.includes('; retry '));
    expect(retries.map((l) => /retry (\d) of 3/.exec(l)?.[1])).toEqual(['1', '2', '3']);
    expect(retries[0]).toMatch(new RegExp(`^smoke: GitHub GET /repos/ephpm/ephemerd/releases: .*ECONNREFUSED 127\\.0\\.0\\.1:${port}; retry 1 of 3 in 1 ms$`));
    expect(run.stderr).not.toContain(GOOD);
  });
});

describe('smoke --version and --help', () => {
  it('prints the package version', async () => {
    const inProcess = await runCli(['--version'], {});
    expect(inProcess).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const { stdout } = await execFileP(process.execPath, [join(import.meta.dirname, '../../bin/smoke.js'), '--version']);
    expect(stdout).toBe(`${pkg.version}\n`);
  });

  it('every --help lists its exit codes and environment variables', async () => {
    const commands = [[], ['run'], ['merge'], ['watch'], ['gate'], ['hosts'], ['hosts', 'check'], ['hosts', 'clean'], ['demo']];
    for (const command of commands) {
      const help = await runCli([...command, '--help'], {});
      const name = ['smoke', ...command].join(' ');
      expect(help.code, name).toBe(0);
      const codes = /\nExit codes:\n((?: {2}\d {2}.*\n(?: {5,}\S.*\n)*)+)/.exec(help.stdout)?.[1];
      expect(codes, `${name}: ${help.stdout}`).toBeDefined();
      expect(codes, name).toMatch(/^ {2}2 {2}usage or configuration error/m);
      expect(help.stdout, name).toMatch(/\nEnvironment:\n {2}[A-Z_]+/);
    }
    const run = (await runCli(['run', '--help'], {})).stdout;
    for (const name of ['GH_TOKEN', 'GITHUB_TOKEN', 'GITHUB_API_URL', 'GH_HOST', 'GH_REPO', 'GITHUB_REPOSITORY', 'SMOKE_CACHE_DIR', 'GITHUB_STEP_SUMMARY']) {
      expect(run).toContain(name);
    }
    expect(run).toMatch(/^ {2}1 {2}at least one platform failed/m);
    expect(run).toMatch(/^ {2}3 {2}no verdict/m);
    expect((await runCli(['gate', '--help'], {})).stdout).toMatch(/^ {2}1 {2}closed/m);
    const merge = (await runCli(['merge', '--help'], {})).stdout;
    expect(merge).toMatch(/^ {2}2 {2}usage or configuration error, an unreadable report, or reports that do not\n {5}belong together/m);
    for (const name of ['GH_TOKEN', 'GH_REPO', 'GITHUB_STEP_SUMMARY', 'GITHUB_RUN_ID']) expect(merge).toContain(name);
  });
});

const execFileP = promisify(execFile);

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('smoke demo', () => {
  it('keeps to its sandbox whatever GitHub the user\'s shell points at', async () => {
    const reports = join(world.dir, 'demo-reports');
    const demo = await runCli(['demo', '--reports', reports], {
      GH_TOKEN: 'ghp_someoneElsesToken',
      GH_HOST: 'ghe.example.com',
      GH_REPO: 'someone/else',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3',
    });
    expect(demo.code, demo.stderr).toBe(0);
    // The screen gets the compact table; the raw section (data comment, entities) goes to a file it names.
    expect(demo.stdout).toMatch(/^darwin\/arm64 +FAIL +(pass +){7}FAIL +.*boot: /m);
    expect(demo.stdout).not.toContain('<!--');
    expect(demo.stdout).not.toContain('&#95;');
    const sectionFile = join(reports, 'v0.0.1', 'draft-section.md');
    expect(demo.stderr).toContain(sectionFile);
    expect(readFileSync(sectionFile, 'utf8')).toContain('<!-- smoke-test:data ');
    expect(demo.stderr).not.toContain('someone/else');
    // The windows/amd64 row runs on the PowerShell host: seconds per command on a busy machine.
  }, 300_000);
});
