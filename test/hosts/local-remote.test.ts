import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalHostConfig } from '../../src/config/types.ts';
import { LocalRemote } from '../../src/hosts/local-remote.ts';
import { posixShell } from '../../src/shells/posix.ts';
import { encodePowerShell } from '../../src/shells/powershell.ts';
import { defaultTestProbes } from '../support/test-host-config.ts';

function localHost(overrides: Partial<LocalHostConfig> = {}): LocalHostConfig {
  return {
    transport: 'local',
    name: 'here',
    platform: 'linux/amd64',
    shell: 'posix',
    sudo: false,
    launcher: [],
    probes: defaultTestProbes(),
    timeouts: { connectMs: 10_000, uploadMs: 60_000, commandMs: 30_000 },
    source: { file: 'test/hosts/local-remote.test.ts', line: 1, col: 1 },
    ...overrides,
  };
}

/** Whether a process still runs (a zombie does not: it only waits to be reaped). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The signal is sent before the step settles; the kernel ends the process a moment later. */
async function ended(pids: number[]): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (pids.some(running)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** `sh`'s own pid and a background child's, printed first, then it waits forever. */
const TREE = 'echo $$; sleep 600 & echo $!; wait';
const pidsOf = (stdout: string): number[] => stdout.trim().split('\n').map(Number);

describe('LocalRemote: dialect commands as local processes', () => {
  let remote: LocalRemote;
  let scratch: string;
  beforeAll(async () => {
    remote = new LocalRemote(localHost());
    scratch = await mkdtemp(join(tmpdir(), 'smoke-local-remote-'));
  });
  afterAll(async () => {
    await remote.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('returns exit code, stdout and stderr separately, through sh -c with no second quoting', async () => {
    const result = await remote.exec(`echo ${posixShell.quote("it's $HOME")} "$((1 + 2))"; echo err >&2; exit 3`, { timeoutMs: 10_000 });
    expect(result).toEqual({ exitCode: 3, signal: null, stdout: "it's $HOME 3\n", stderr: 'err\n', timedOut: false, truncated: false });
  });

  it('feeds stdin and closes it; with none, readers see EOF at once', async () => {
    expect((await remote.exec('tr a-z A-Z; echo done', { timeoutMs: 10_000, stdin: 'hello\n' })).stdout).toBe('HELLO\ndone\n');
    expect((await remote.exec('cat; echo eof', { timeoutMs: 10_000 })).stdout).toBe('eof\n');
  });

  it('passes no GitHub token or other secret of smoke\'s environment to the host\'s commands', async () => {
    const saved = { GITHUB_TOKEN: process.env.GITHUB_TOKEN, GH_TOKEN: process.env.GH_TOKEN, SOME_SECRET: process.env.SOME_SECRET };
    Object.assign(process.env, { GITHUB_TOKEN: 'ghp_local_secret', GH_TOKEN: 'gho_local_secret', SOME_SECRET: 'x' });
    try {
      const result = await remote.exec('env', { timeoutMs: 10_000 });
      expect(result.stdout).not.toMatch(/local_secret|SOME_SECRET/);
      expect(result.stdout).toMatch(/^PATH=/m);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('reports a command ended by a signal', async () => {
    const result = await remote.exec('kill -TERM $$', { timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: false });
  });

  it('returns timedOut and kills the whole foreground tree, even a child holding the pipes', async () => {
    const result = await remote.exec(TREE, { timeoutMs: 500 });
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    const pids = pidsOf(result.stdout);
    expect(pids).toHaveLength(2);
    expect(await ended(pids)).toBe(true);
    expect((await remote.exec('echo again', { timeoutMs: 10_000 })).stdout).toBe('again\n');
  });

  it('rejects a cancelled command with a HostError and kills what it started', async () => {
    const controller = new AbortController();
    const pids: number[] = [];
    const running = remote.exec(TREE, {
      timeoutMs: 30_000,
      signal: controller.signal,
      onOutput: (_stream, chunk) => {
        pids.push(...pidsOf(chunk));
        if (pids.length === 2) controller.abort();
      },
    });
    await expect(running).rejects.toThrow(/^host here: command cancelled$/);
    expect(pids).toHaveLength(2);
    expect(await ended(pids)).toBe(true);
    await expect(remote.exec('true', { timeoutMs: 1_000, signal: controller.signal })).rejects.toThrow(/cancelled before it started/);
  });

  it('keeps the head and tail of 10 MB of output and says how much was elided', async () => {
    const result = await remote.exec('echo FIRST; head -c 10000000 /dev/zero | tr "\\0" x; echo; echo LAST', {
      timeoutMs: 30_000,
      maxOutputBytes: 64 * 1024,
    });
    expect(result.truncated).toBe(true);
    expect(result.stdout.startsWith('FIRST\nxxx')).toBe(true);
    expect(result.stdout.endsWith('xxx\nLAST\n')).toBe(true);
    expect(result.stdout).toContain(`\n[... ${6 + 10_000_000 + 1 + 5 - 64 * 1024} bytes elided ...]\n`);
    expect(result.stdout.length).toBeLessThan(64 * 1024 + 100);
  });

  it('stops reading while onOutput waits on a promise, and the command waits too', async () => {
    const progress = join(scratch, 'progress');
    // 1000 writes of 64 KiB (64 MB), counted by the command as they complete.
    const command = `i=0; while [ $i -lt 1000 ]; do head -c 65536 /dev/zero; i=$((i + 1)); echo $i > ${progress}; done`;
    let received = 0;
    let letGo: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const done = remote.exec(command, {
      timeoutMs: 60_000,
      maxOutputBytes: 1024,
      onOutput: (_stream, chunk) => {
        received += chunk.length;
        return held;
      },
    });
    const count = () => (existsSync(progress) ? Number(readFileSync(progress, 'utf8').trim() || 0) : 0);
    while (count() === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    let last = -1;
    for (let now = count(); now !== last; now = count()) {
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    // One chunk taken; the rest waits in the pipe (64 KiB on Linux) and Node's stream buffer.
    expect(last).toBeLessThan(10);
    expect(received).toBeLessThanOrEqual(64 * 1024);
    letGo!();
    const result = await done;
    expect(result.exitCode).toBe(0);
    expect(received).toBe(1000 * 65536);
  }, 60_000);

  it('copies an upload with progress and the requested mode, and names the target when it cannot', async () => {
    const source = join(scratch, 'archive.tar.gz');
    const content = Buffer.alloc(3 * 1024 * 1024, 7);
    await writeFile(source, content);
    const target = join(scratch, 'run', 'archive.tar.gz');
    await remote.exec(`mkdir -p '${join(scratch, 'run')}'`, { timeoutMs: 10_000 });
    const seen: number[] = [];
    await remote.upload(source, target, { timeoutMs: 10_000, mode: 0o640, onProgress: (bytes, total) => seen.push(bytes, total) });
    expect(readFileSync(target).equals(content)).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(seen.at(-2)).toBe(content.length);
    expect(seen.at(-1)).toBe(content.length);
    const missing = join(scratch, 'no-such-dir', 'a');
    await expect(remote.upload(source, missing, { timeoutMs: 10_000 })).rejects.toThrow(`host here: copy to ${missing} failed: `);
    await remote.writeFile(join(scratch, 'run', 'config.toml'), 'port = 1\n', { timeoutMs: 10_000, mode: 0o600 });
    expect(readFileSync(join(scratch, 'run', 'config.toml'), 'utf8')).toBe('port = 1\n');
    expect(statSync(join(scratch, 'run', 'config.toml')).mode & 0o777).toBe(0o600);
  });

  it('close() ends a running command and refuses new ones', async () => {
    const other = new LocalRemote(localHost({ name: 'closing' }));
    const pids: number[] = [];
    let started: (() => void) | undefined;
    const both = new Promise<void>((resolve) => (started = resolve));
    const running = other.exec(TREE, {
      timeoutMs: 30_000,
      onOutput: (_stream, chunk) => {
        pids.push(...pidsOf(chunk));
        if (pids.length === 2) started!();
      },
    });
    await both;
    await other.close();
    await expect(running).rejects.toThrow('host closing: closed during a command');
    expect(await ended(pids)).toBe(true);
    expect(other.connected).toBe(false);
    await expect(other.exec('true', { timeoutMs: 1_000 })).rejects.toThrow('host closing: closed (a command)');
  });
});

describe('LocalRemote with the PowerShell dialect (pwsh)', () => {
  const path = process.env.PATH;
  beforeAll(() => {
    process.env.PATH = [path, join(homedir(), '.dotnet', 'tools')].join(delimiter);
  });
  afterAll(() => {
    process.env.PATH = path;
  });

  it('runs the encoded command as its words, without a shell in between', async () => {
    const remote = new LocalRemote(localHost({ shell: 'powershell', platform: 'windows/amd64' }));
    try {
      const result = await remote.exec(encodePowerShell(`[Console]::Out.Write('it''s ' + (1 + 2)); [Console]::Error.Write('err'); exit 4`), { timeoutMs: 60_000 });
      expect(result).toMatchObject({ exitCode: 4, stdout: "it's 3", stderr: 'err', timedOut: false });
      await expect(remote.exec('echo hi', { timeoutMs: 10_000 })).rejects.toThrow(/runs only encoded commands/);
    } finally {
      await remote.close();
    }
  }, 90_000);
});
