import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-io.ts';
import { faultWorld, type FaultWorld } from './fault-world.ts';

// The token must not travel in cleartext, and a server that echoes it back (in any case,
// base64, URL-encoded) must not get it printed or written by us.

const TOKEN = 'ghp_ECHOTEST9z8y7x6w5v4u3t2s1r0q9p8o7n6m5l';
const base64 = (text: string) => Buffer.from(text).toString('base64');
/** Every form a server might send the token back in. */
const FORMS = [
  TOKEN,
  TOKEN.toUpperCase(),
  TOKEN.toLowerCase(),
  encodeURIComponent(`${TOKEN}/`),
  [...TOKEN].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join(''),
  base64(TOKEN),
  base64(`x-access-token:${TOKEN}`),
  Buffer.from(TOKEN).toString('base64url'),
];
/** What a leak looks like: any form, or a long enough piece of one. */
const leaks = (text: string) => FORMS.filter((f) => text.includes(f) || text.includes(f.slice(4, 24)));

let world: FaultWorld;
let echo: Server;
let echoUrl: string;
const seen: string[] = [];

beforeAll(async () => {
  world = await faultWorld({ token: TOKEN });
  // A "GitHub" that answers everything with an error quoting the credentials it got, every way.
  echo = createServer((req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization ?? '';
    seen.push(auth);
    const token = auth.replace(/^(token|bearer)\s+/i, '');
    const said = [token, token.toUpperCase(), encodeURIComponent(token), base64(token), base64(`x-access-token:${token}`), [...token].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')];
    const status = req.url?.includes('/releases') ? 500 : 401;
    res.writeHead(status, { 'content-type': 'application/json', 'x-ratelimit-remaining': '4999' });
    res.end(JSON.stringify({ message: `Bad credentials: ${said.join(' ')}`, documentation_url: 'https://docs.github.com/rest' }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  echo?.close();
  await world?.close();
});

/** An address of this machine that is not loopback: a server there is reachable, and must get nothing. */
function outwardAddress(): string {
  const found = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!found) throw new Error('this test needs a non-loopback IPv4 address on the machine');
  return found.address;
}

async function filesText(dir: string): Promise<string> {
  const found = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const texts = await Promise.all(found.filter((d) => d.isFile()).map((d) => readFile(join(d.parentPath, d.name), 'latin1')));
  return texts.join('\n');
}

describe('the token and plain http', () => {
  it('refuses GITHUB_API_URL over plain http to another machine: exit 2 naming the URL, and no request at all', async () => {
    const requests: string[] = [];
    const outward = createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.end('{}');
    });
    await new Promise<void>((resolve) => outward.listen(0, outwardAddress(), resolve));
    try {
      const url = `http://${outwardAddress()}:${(outward.address() as AddressInfo).port}/api/v3`;
      for (const argv of [['gate', 'v0.0.1'], ['run', 'v0.0.1', '--no-post'], ['watch', '--once']]) {
        const run = await runCli([...argv, '--config', world.sb.configPath, '--reports', join(world.dir, 'reports')].filter((a, i, all) => !(argv[0] === 'gate' && (a === '--reports' || all[i - 1] === '--reports'))), { ...world.sb.env, GITHUB_API_URL: url });
        expect(run.code, `${argv.join(' ')}: ${run.stderr}`).toBe(2);
        expect(run.stderr).toContain(`GITHUB_API_URL "${url}"`);
        expect(run.stderr).toContain('cleartext');
      }
      expect(requests).toEqual([]);
    } finally {
      outward.close();
    }
  }, 60_000);

  it('accepts plain http to loopback in every spelling, and https anywhere', async () => {
    for (const url of [`http://localhost:1`, 'http://127.1:1', 'http://[::1]:1', 'https://192.0.2.1:1']) {
      const run = await runCli(['gate', 'v0.0.1', '--config', world.sb.configPath], { ...world.sb.env, GITHUB_API_URL: url, SMOKE_GITHUB_RETRY_BASE_MS: '1' });
      expect(run.stderr, url).not.toContain('cleartext');
    }
  }, 60_000);

  it('a server echoing the token in any case, base64 or URL-encoded: no form of it in output or reports', async () => {
    const env = { ...world.sb.env, GITHUB_API_URL: echoUrl, SMOKE_GITHUB_RETRY_BASE_MS: '1' };
    const reports = join(world.dir, 'echo-reports');
    const runs = [
      await runCli(['gate', 'v0.0.1', '--config', world.sb.configPath], env),
      await runCli(['run', 'v0.0.1', '--config', world.sb.configPath, '--reports', reports], env),
      await runCli(['run', 'v0.0.1', '--json', '--config', world.sb.configPath, '--reports', reports], env),
      await runCli(['watch', '--once', '--config', world.sb.configPath, '--reports', reports], env),
    ];
    // The server did get the token (over loopback), and did echo it.
    expect(seen.some((a) => a.includes(TOKEN))).toBe(true);
    for (const run of runs) {
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/Bad credentials/);
      expect(leaks(`${run.stdout}\n${run.stderr}`), run.stderr).toEqual([]);
    }
    expect(runs[0]!.stderr).toContain('[token]');
    expect(leaks(await filesText(reports))).toEqual([]);
  }, 120_000);

  it('a token pasted where the tag goes is not printed back, in any case', async () => {
    for (const tag of [TOKEN, TOKEN.toUpperCase()]) {
      const run = await runCli(['gate', tag, '--config', world.sb.configPath], world.sb.env);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('no draft release "[token]"');
      expect(leaks(`${run.stdout}\n${run.stderr}`)).toEqual([]);
    }
  }, 60_000);

  it('a token from `gh auth token` (in no variable) is not printed back either', async () => {
    const bin = join(world.dir, 'gh-bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'gh'), `#!/bin/sh\n[ "$1 $2" = "auth token" ] && printf '%s\\n' '${TOKEN}'\n`);
    await chmod(join(bin, 'gh'), 0o755);
    const { GITHUB_TOKEN: _fromEnv, ...env } = world.sb.env;
    const run = await runCli(['gate', TOKEN.toLowerCase(), '--config', world.sb.configPath], { ...env, PATH: bin });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('no draft release "[token]"');
    expect(leaks(`${run.stdout}\n${run.stderr}`)).toEqual([]);
  }, 60_000);
});
