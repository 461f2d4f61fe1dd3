import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostConfig } from '../../src/config/types.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import type { Remote } from '../../src/hosts/remote.ts';
import { runCli, type CliRun } from '../support/cli-io.ts';
import { faultWorld, type FaultWorld } from './fault-world.ts';
import { runInProcess } from './github-in-process.ts';

// A token nobody could mistake for anything else: any place it shows up is a leak.
const TOKEN = 'ghp_TOKENSCAN0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c';

let world: FaultWorld;
beforeAll(async () => {
  world = await faultWorld({ token: TOKEN });
}, 60_000);
afterAll(async () => {
  await world.close();
});

/** The scripts inside a PowerShell command (base64 of UTF-16LE, nested ones too): a token there would not show in the base64. */
function decodedScripts(command: string): string[] {
  return [...command.matchAll(/-EncodedCommand ([A-Za-z0-9+/=]+)/g)].flatMap((m) => {
    const script = Buffer.from(m[1]!, 'base64').toString('utf16le');
    return [script, ...decodedScripts(script)];
  });
}

/** Passes everything to the real SSH remote, keeping a copy of every command and file it sends. */
function recording(remote: Remote, sent: string[]): Remote {
  return {
    host: remote.host,
    ...(remote.insecureHostKey !== undefined ? { insecureHostKey: remote.insecureHostKey } : {}),
    get connected() {
      return remote.connected;
    },
    exec(command, options) {
      sent.push(command, ...decodedScripts(command), options.stdin ?? '');
      return remote.exec(command, options);
    },
    upload(localPath, remotePath, options) {
      sent.push(`upload ${localPath} -> ${remotePath}`);
      return remote.upload(localPath, remotePath, options);
    },
    writeFile(remotePath, content, options) {
      sent.push(`write ${remotePath}`, content);
      return remote.writeFile(remotePath, content, options);
    },
    close: () => remote.close(),
  };
}

async function filesUnder(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const found = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const d of found) {
    if (!d.isFile()) continue;
    const path = join(d.parentPath, d.name);
    out.set(path, (await readFile(path)).toString('latin1'));
  }
  return out;
}

describe('the GitHub token goes nowhere', () => {
  it('run, watch --once and gate: not in files, output, body, statuses, requests, host commands or sshd logs', async () => {
    const { sb } = world;
    expect(sb.env.GITHUB_TOKEN).toBe(TOKEN);
    const env = { ...sb.env, SMOKE_GITHUB_RETRY_BASE_MS: '5' };
    const reports = join(world.dir, 'reports');
    const sent: string[] = [];
    const cli: CliRun[] = [];

    // The pipeline in-process, its SSH wrapped to see every command the hosts get.
    const inProcess = await runInProcess(sb, world.dir, {
      platforms: ['linux/amd64'],
      connect: async (host: HostConfig) => recording(await connectHost(host), sent),
    });
    if (inProcess.outcome.kind !== 'tested') throw new Error(`expected a tested run, got ${inProcess.outcome.kind}`);
    expect(inProcess.outcome.report.verdict, JSON.stringify(inProcess.outcome.report.platforms)).toBe('pass');
    expect(sent.filter((c) => c.includes('--version')), sent.join('\n---\n')).not.toEqual([]);

    // The same through the CLI, with GitHub failing once (errors are where tokens leak).
    sb.fake.fault({ kind: 'status', status: 502, times: 1 });
    cli.push(await runCli(['run', 'v0.0.1', '--platform', 'linux/amd64', '--config', sb.configPath, '--reports', reports], env));
    expect(cli[0]!.code, cli[0]!.stderr).toBe(0);
    cli.push(await runCli(['gate', 'v0.0.1', '--config', sb.configPath], env));
    // Only linux/amd64 was tested: watch finds the draft incomplete-tested and tests every platform.
    cli.push(await runCli(['watch', '--once', '--config', sb.configPath, '--reports', reports], env));
    expect(cli[2]!.stderr + cli[2]!.stdout).toContain('v0.0.1');
    cli.push(await runCli(['gate', 'v0.0.1', '--config', sb.configPath], env));
    // A wrong token's error message must not echo the wrong token either.
    cli.push(await runCli(['gate', 'v0.0.1', '--config', sb.configPath], { ...env, GITHUB_TOKEN: `${TOKEN}x` }));
    expect(cli[4]!.code).not.toBe(0);

    const places = new Map<string, string>();
    for (const [path, text] of await filesUnder(reports)) places.set(path, text);
    for (const [path, text] of await filesUnder(sb.env.SMOKE_CACHE_DIR!)) places.set(path, text);
    cli.forEach((r, i) => places.set(`cli ${i}`, `${r.stdout}\n${r.stderr}`));
    places.set('events', JSON.stringify(inProcess.events));
    places.set('body', sb.fake.release(sb.releaseId).body ?? '');
    places.set('statuses', JSON.stringify(sb.fake.statuses(sb.commit).map((s) => [s.description, s.target_url])));
    sb.fake.requests.forEach((r, i) => places.set(`request ${i}`, JSON.stringify(r)));
    places.set('host commands', sent.join('\n'));
    for (const [platform, sshd] of sb.hosts) places.set(`sshd ${platform}`, sshd.log());
    for (const [path, text] of await filesUnder(join(world.dir, 'work'))) places.set(path, text);

    expect(places.size).toBeGreaterThan(20);
    expect([...places.keys()].some((p) => p.endsWith('report.json'))).toBe(true);
    const leaks = [...places].filter(([, text]) => text.includes(TOKEN)).map(([where]) => where);
    expect(leaks).toEqual([]);

    const storage = sb.fake.requests.filter((r) => r.origin === 'storage');
    expect(storage.length).toBeGreaterThanOrEqual(5);
    expect(storage.filter((r) => r.hasAuthorization)).toEqual([]);
    expect(sb.fake.requests.filter((r) => r.origin === 'api').every((r) => r.hasAuthorization)).toBe(true);
  }, 240_000);
});
