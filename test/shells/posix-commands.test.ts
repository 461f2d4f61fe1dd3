import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { posixShell as sh } from '../../src/shells/posix.ts';
import { parseStopLines, RUN_MARKER } from '../../src/shells/shell.ts';

// The dialect's scripts, run by the real dash here (the SSH tests run them through sshd).
function run(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('dash', ['-c', script], { encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function groupAlive(pgid: string): boolean {
  try {
    process.kill(-Number(pgid), 0);
  } catch {
    return false;
  }
  // kill -0 also counts zombies: look at the states
  return readFileSync('/proc/' + pgid + '/stat', 'latin1').split(') ')[1]?.[0] !== 'Z';
}

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'smoke-posix-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('posix dialect run on dash', () => {
  it('makes a run dir with marker and pids folder under the workdir', async () => {
    const res = await run(sh.makeRunDir({ workdir: join(work, 'odd $(id) dir'), runId: 'r-1' }).replace(/^/, `mkdir -p '${work}/odd $(id) dir'\n`));
    expect(res.code).toBe(0);
    const dir = res.stdout.trim();
    expect(dir.startsWith(join(work, 'odd $(id) dir', 'smoke-r-1-'))).toBe(true);
    expect(readFileSync(join(dir, RUN_MARKER), 'utf8')).toBe('r-1\n');
    expect(existsSync(join(dir, 'pids'))).toBe(true);
  });

  it('refuses an unsafe run id', () => {
    expect(() => sh.makeRunDir({ runId: '../x' })).toThrow(/run id/);
  });

  it('hashes a file whose name is hostile', async () => {
    const file = join(work, "'; rm -rf ~; '\\$(id)");
    writeFileSync(file, 'payload');
    const res = await run(sh.sha256(file));
    expect(res.stdout.trim()).toBe(createHash('sha256').update('payload').digest('hex'));
  });

  it('extracts a tar.gz and finds the binary', async () => {
    mkdirSync(join(work, 'src'));
    writeFileSync(join(work, 'src', 'ephemerd'), '#!/bin/sh\n');
    await run(`tar -czf '${work}/a.tar.gz' -C '${work}/src' ephemerd`);

    expect((await run(sh.extract({ archive: join(work, 'a.tar.gz'), destination: join(work, 'out'), format: 'tar.gz' }))).code).toBe(0);
    expect((await run(sh.fileExists(join(work, 'out', 'ephemerd')))).stdout).toBe('yes\n');
    expect((await run(sh.fileExists(join(work, 'out', 'nope')))).stdout).toBe('no\n');
  });

  it('times a hung command out and reports it as timed out', async () => {
    const res = await run(sh.runWithTimeout({ argv: ['sleep', '30'], cwd: work, timeoutMs: 1000, sudo: false }));
    expect(sh.timedOut(res.code)).toBe(true);
    const ok = await run(sh.runWithTimeout({ argv: ['printf', '%s', '$(id)'], cwd: work, timeoutMs: 5000, sudo: false }));
    expect([ok.code, ok.stdout]).toEqual([0, '$(id)']);
  });

  it('starts a group, follows its log by offset, and kills a TERM-ignoring group with its children', async () => {
    const pidFile = join(work, 'p.pid');
    const log = join(work, 'log');
    // The child ignores TERM too, and is in the same group: SIGKILL to the group must take both.
    const program = "trap '' TERM; echo first; sleep 60 & echo second; wait";
    const started = await run(sh.startBackground({ argv: ['sh', '-c', program], cwd: work, logFile: log, pidFile, sudo: false }));
    expect(started.code).toBe(0);
    const pgid = started.stdout.trim();
    expect(pgid).toMatch(/^\d+$/);

    let text = '';
    let offset = 0;
    for (let i = 0; i < 100 && !text.endsWith('second\n'); i++) {
      const polled = await run(sh.pollLog({ logFile: log, offset, maxBytes: 4, pidFile }));
      const [head, ...rest] = polled.stdout.split('\n');
      const [alive, next] = head!.split(' ');
      expect(alive).toBe('1');
      text += rest.join('\n');
      offset = Number(next);
    }
    expect(text).toBe('first\nsecond\n');

    const stopped = await run(sh.stopGroups({ pidFiles: [pidFile], graceMs: 300, sudo: false }));
    expect(parseStopLines(stopped.stdout)).toEqual([{ outcome: 'kill', pid: pgid, pidFile }]);
    expect(groupAlive(pgid)).toBe(false);
    const again = await run(sh.stopGroups({ pidFiles: [pidFile, join(work, 'missing.pid')], graceMs: 300, sudo: false }));
    expect(parseStopLines(again.stdout).map((r) => r.outcome)).toEqual(['not-running', 'no-pid']);
  });

  it('never signals every process for a pid file holding 1 or -1', async () => {
    writeFileSync(join(work, 'one.pid'), '1\n');
    writeFileSync(join(work, 'minus.pid'), '-1\n');
    const res = await run(sh.stopGroups({ pidFiles: [join(work, 'one.pid'), join(work, 'minus.pid')], graceMs: 100, sudo: false }));
    expect(parseStopLines(res.stdout).map((r) => r.outcome)).toEqual(['no-pid', 'no-pid']);
  });

  it('removes only a marked run dir', async () => {
    mkdirSync(join(work, 'plain'));
    const refused = await run(sh.removeRunDir({ runDir: join(work, 'plain'), sudo: false }));
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refusing to remove .*plain/);
    expect(existsSync(join(work, 'plain'))).toBe(true);

    const made = (await run(sh.makeRunDir({ workdir: work, runId: 'rm' }))).stdout.trim();
    expect((await run(sh.removeRunDir({ runDir: made, sudo: false }))).stdout).toBe('removed\n');
    expect(existsSync(made)).toBe(false);
    expect((await run(sh.removeRunDir({ runDir: made, sudo: false }))).stdout).toBe('absent\n');
  });

  it('lists leftover runs with their recorded groups', async () => {
    const made = (await run(sh.makeRunDir({ workdir: work, runId: 'left' }))).stdout.trim();
    writeFileSync(join(made, 'pids', 'boot.pid'), '999999\n');
    mkdirSync(join(work, 'smoke-not-ours'));
    const res = await run(sh.listRuns({ workdir: work }));
    expect(res.stdout).toBe(`run ${made}\npid 999999 0\n`);
  });

  it('finds a free port and fails a health check on a closed one', async () => {
    const port = Number((await run(sh.freePort())).stdout.trim());
    expect(port).toBeGreaterThan(0);
    const res = await run(sh.healthz({ port, timeoutMs: 2000 }));
    expect(res.code).not.toBe(0);
  });
});
