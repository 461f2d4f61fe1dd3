import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupGone, groupMembers, killGroup, StandInLab } from './run-stand-in.ts';

let lab: StandInLab;
beforeEach(async () => {
  lab = await StandInLab.create();
});
afterEach(async () => {
  await lab.dispose();
});

const good = { version: 'v1.2.3', variant: 'good' } as const;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function healthz(port: number): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return res.json();
}

function portOf(line: string): number {
  return Number(/ port=(\d+)/.exec(line)?.[1]);
}

describe('stand-in ephemerd --version', () => {
  it('prints the stamped tag for --version and -v', async () => {
    const binary = await lab.binary(good);
    for (const flag of ['--version', '-v']) {
      const run = lab.run(binary, [flag]);
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(run.stdout()).toBe('ephemerd version v1.2.3\n');
    }
  });

  it('prints dev without a stamp and another tag for wrong-version', async () => {
    const noStamp = lab.run(await lab.binary({ version: 'v1.2.3', variant: 'no-stamp' }), ['--version']);
    const wrong = lab.run(await lab.binary({ version: 'v1.2.3', variant: 'wrong-version' }), ['--version']);
    await Promise.all([noStamp.exited, wrong.exited]);
    expect(noStamp.stdout()).toBe('ephemerd version dev\n');
    expect(wrong.stdout()).toMatch(/^ephemerd version v\S+\n$/);
    expect(wrong.stdout()).not.toContain('v1.2.3');
  });

  it('refuses a file without a payload', async () => {
    const run = lab.run('/etc/hostname', ['--version']);
    expect((await run.exited).code).toBe(126);
    expect(run.stderr()).toContain('not a stand-in ephemerd');
  });
});

describe('stand-in ephemerd serve', () => {
  it('logs the boot sequence as slog text, serves /healthz on the configured port, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = await lab.dataDir('data', port);
    const binary = await lab.binary(good);
    const run = lab.run(binary, ['serve', '--data-dir', dataDir]);
    const listening = await run.line(/msg="health server listening"/);
    expect(portOf(listening)).toBe(port);
    expect(await healthz(port)).toEqual({ status: 'ok' });

    const status = lab.run(binary, ['status', '--data-dir', dataDir]);
    expect((await status.exited).code).toBe(0);
    expect(JSON.parse(status.stdout())).toEqual({ status: 'ok' });

    process.kill(run.pgid, 'SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    const lines = run.stderr().trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^time=\S+ level=(INFO|WARN|ERROR|DEBUG) msg=("[^"]*"|\S+)/);
    const messages = lines.map((l) => /msg=("[^"]*"|\S+)/.exec(l)?.[1]?.replace(/"/g, ''));
    expect(messages).toEqual([
      'starting ephemerd',
      'containerd ready',
      'container runtime ready',
      'ephemerd ready',
      'control socket ready',
      'health server listening',
      'shutting down',
      'ephemerd stopped',
    ]);

    const after = lab.run(binary, ['status', '--data-dir', dataDir]);
    expect((await after.exited).code).toBe(1);
    expect(after.stderr()).toContain('not running');
  });

  it('runs serve for a bare `ephemerd` and for `ephemerd version`, as the real CLI does', async () => {
    const binary = await lab.binary(good);
    for (const args of [[], ['version']]) {
      const dataDir = await lab.dataDir(`data-${args.length}`, 0);
      const run = lab.run(binary, args, { EPHEMERD_DATA_DIR: dataDir });
      const listening = await run.line(/msg="health server listening"/);
      expect(await healthz(portOf(listening))).toEqual({ status: 'ok' });
      expect(run.stdout()).not.toContain('ephemerd version');
      process.kill(run.pgid, 'SIGINT');
      expect((await run.exited).code).toBe(0);
    }
  });

  it('only logs a health port that is taken, and keeps running', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const port = (blocker.address() as { port: number }).port;
      const run = lab.run(await lab.binary(good), ['serve', '--data-dir', await lab.dataDir('data', port)]);
      expect(await run.line(/level=ERROR msg="health server failed"/)).toContain('address already in use');
      expect(run.child.exitCode).toBeNull();
      process.kill(run.pgid, 'SIGTERM');
      expect((await run.exited).code).toBe(0);
    } finally {
      blocker.close();
    }
  });

  it('exits 1 naming the problem when config.toml has no token', async () => {
    const dataDir = await lab.dataDir('data', 0);
    await writeFile(`${dataDir}/config.toml`, '[github]\nowner = "acme"\n');
    const run = lab.run(await lab.binary(good), ['serve', '--data-dir', dataDir]);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toMatch(/level=ERROR msg="loading config" err="github.token is required"/);
  });


  it('reads TOML comments, literal strings and shutdown_timeout, and names a bad duration', async () => {
    const binary = await lab.binary(good);
    const dataDir = await lab.dataDir('data', 0, 'shutdown_timeout = "1m30s" # drain\n');
    const run = lab.run(binary, ['serve', `--data-dir=${dataDir}`]);
    await run.line(/msg="health server listening"/);
    process.kill(run.pgid, 'SIGTERM');
    expect((await run.exited).code).toBe(0);

    await writeFile(`${dataDir}/config.toml`, "# comment\nshutdown_timeout = 'soon'\n[github]\nowner = 'acme'\ntoken = 'x'\n");
    const bad = lab.run(binary, ['serve', '--data-dir', dataDir]);
    expect((await bad.exited).code).toBe(1);
    expect(bad.stderr()).toContain('shutdown_timeout \\"soon\\" is not a duration');
  });
});

describe('stand-in ephemerd broken builds', () => {
  it('empty-kernel-exit: exits 1 with the placeholder-kernel error and never gets ready', async () => {
    const run = lab.run(await lab.binary({ version: 'v1.2.3', variant: 'empty-kernel-exit' }), ['serve', '--data-dir', await lab.dataDir('d', 0)]);
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(run.stderr()).toContain('level=ERROR msg="embedded embed/vmlinuz is empty (placeholder only)"');
    expect(run.stderr()).not.toContain('ephemerd ready');
  });

  it('vm-not-started: logs the empty vmlinuz and the WARN, yet gets ready and healthy', async () => {
    const run = lab.run(await lab.binary({ version: 'v1.2.3', variant: 'vm-not-started' }), ['serve', '--data-dir', await lab.dataDir('d', 0)]);
    const listening = await run.line(/msg="health server listening"/);
    expect(await healthz(portOf(listening))).toEqual({ status: 'ok' });
    expect(run.stderr()).toContain('embedded vmlinuz is empty (0 bytes)');
    expect(run.stderr()).toMatch(/level=WARN msg="Linux VM not started"/);
    expect(run.stderr()).toContain('msg="ephemerd ready"');
  });

  it('never-ready: keeps running without ready until stopped', async () => {
    const run = lab.run(await lab.binary({ version: 'v1.2.3', variant: 'never-ready' }), ['serve', '--data-dir', await lab.dataDir('d', 0)]);
    await run.line(/msg="containerd ready"/);
    expect(run.child.exitCode).toBeNull();
    process.kill(run.pgid, 'SIGTERM');
    expect((await run.exited).code).toBe(0);
    expect(run.stderr()).not.toContain('ephemerd ready');
  });

  it('exit-before-ready: exits 0 after starting, without ready', async () => {
    const run = lab.run(await lab.binary({ version: 'v1.2.3', variant: 'exit-before-ready' }), ['serve', '--data-dir', await lab.dataDir('d', 0)]);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toContain('msg="starting ephemerd"');
    expect(run.stderr()).not.toContain('ephemerd ready');
  });

  it('ignore-sigterm: survives SIGTERM and SIGINT; only SIGKILL stops it', async () => {
    const run = lab.run(await lab.binary({ version: 'v1.2.3', variant: 'ignore-sigterm' }), ['serve', '--data-dir', await lab.dataDir('d', 0)]);
    await run.line(/msg="health server listening"/);
    process.kill(run.pgid, 'SIGTERM');
    await run.line(/msg="signal ignored" signal=SIGTERM/);
    process.kill(run.pgid, 'SIGINT');
    await run.line(/msg="signal ignored" signal=SIGINT/);
    expect(run.child.exitCode).toBeNull();
    process.kill(run.pgid, 'SIGKILL');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('orphan-child: leaves a child in its process group that outlives a group SIGTERM', async () => {
    const run = lab.run(await lab.binary({ version: 'v1.2.3', variant: 'orphan-child' }), ['serve', '--data-dir', await lab.dataDir('d', 0)]);
    const shim = Number(/ pid=(\d+)/.exec(await run.line(/msg="runner shim started"/))?.[1]);
    await run.line(/msg="health server listening"/);
    expect(groupMembers(run.pgid)).toEqual(expect.arrayContaining([run.pgid, shim]));

    killGroup(run.pgid, 'SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(groupMembers(run.pgid)).toEqual([shim]);

    killGroup(run.pgid, 'SIGKILL');
    expect(await groupGone(run.pgid)).toBe(true);
  });

  it('noisy: writes over 20 MiB of log lines before ready', async () => {
    const run = lab.run(await lab.binary({ version: 'v1.2.3', variant: 'noisy' }), ['serve', '--data-dir', await lab.dataDir('d', 0)]);
    await run.line(/msg="ephemerd ready"/);
    const log = run.stderr();
    expect(log.indexOf('msg="ephemerd ready"')).toBeGreaterThan(20 * 1024 * 1024);
    expect(log).toContain('level=DEBUG msg="pulling layer"');
  });
});

describe('stand-in ephemerd doctor', () => {
  it('refuses doctor without --check (exit 2) and passes doctor --check', async () => {
    const binary = await lab.binary(good);
    const bare = lab.run(binary, ['doctor']);
    const check = lab.run(binary, ['doctor', '--check']);
    expect((await bare.exited).code).toBe(2);
    expect(bare.stderr()).toContain('refusing');
    expect((await check.exited).code).toBe(0);
  });
});
