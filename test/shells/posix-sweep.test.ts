import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { posixShell as sh } from '../../src/shells/posix.ts';
import { sweepMarkedScript, type MarkSearch } from '../../src/shells/posix-sweep.ts';
import { parseSweepLines, RUN_MARK_VARIABLE } from '../../src/shells/shell.ts';

// The sweep run by the real dash against real processes of this machine. Linux finds marks in
// /proc; the `ps` way (macOS's) runs here too, with procps showing environments the BSD way.

function run(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('dash', ['-c', script], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let work: string;
const started: ChildProcess[] = [];

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'smoke sweep '));
});

afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** A process in a session of its own (as `setsid` leaves one), carrying `mark` when given; resolves once it runs its script. */
async function startMarked(mark: string | undefined, script: string): Promise<number> {
  const env = { PATH: process.env.PATH, ...(mark === undefined ? {} : { [RUN_MARK_VARIABLE]: mark }) };
  const child = spawn('sh', ['-c', `echo up; ${script}`], { env, detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return child.pid!;
}

function running(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]/.test(state.slice(state.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

describe.each<MarkSearch>(['proc', 'ps'])('sweepMarked, finding marks through %s', (search) => {
  it("stops exactly one run's processes, those ignoring SIGTERM with SIGKILL, and names them", async () => {
    const runDir = join(work, 'smoke-r1-abcdef');
    const plain = await startMarked(runDir, 'exec sleep 300');
    const stubborn = await startMarked(runDir, "trap '' TERM; sleep 300 & wait");
    // A run whose directory name starts with this one's, and a process without a mark.
    const other = await startMarked(`${runDir}9`, 'exec sleep 300');
    const unmarked = await startMarked(undefined, 'exec sleep 300');

    const res = await run(sweepMarkedScript({ runDir }, 300, search));
    expect(res.code, res.stderr).toBe(0);
    const swept = parseSweepLines(res.stdout);
    // The stubborn shell's `sleep` child carries the mark too.
    expect(swept.map((p) => p.pid)).toEqual(expect.arrayContaining([plain, stubborn]));
    expect(swept.map((p) => p.pid)).not.toContain(other);
    expect(swept.find((p) => p.pid === plain)?.command).toBe('sleep 300');
    expect(swept.every((p) => !p.survived)).toBe(true);
    expect([plain, stubborn].filter(running)).toEqual([]);
    expect([other, unmarked].filter(running)).toEqual([other, unmarked]);
  }, 30_000);

  it('with a workdir, stops the processes of every run under it and nothing else', async () => {
    const a = await startMarked(join(work, 'smoke-r1-aaaaaa'), 'exec sleep 300');
    const b = await startMarked(join(work, 'smoke-r2-bbbbbb'), 'exec sleep 300');
    const elsewhere = await startMarked(join(work, 'other', 'smoke-r3-cccccc'), 'exec sleep 300');
    const res = await run(sweepMarkedScript({ workdir: `${work}/` }, 300, search));
    expect(parseSweepLines(res.stdout).map((p) => p.pid).sort()).toEqual([a, b].sort());
    expect([a, b].filter(running)).toEqual([]);
    expect(running(elsewhere)).toBe(true);
  }, 30_000);
});

describe('the run mark on the commands that start processes', () => {
  it('runWithTimeout and startBackground pass it to the program and everything it starts', async () => {
    const runDir = join(work, "smoke-r1-it's");
    const printed = await run(sh.runWithTimeout({ argv: ['sh', '-c', `echo "$${RUN_MARK_VARIABLE}"`], cwd: work, timeoutMs: 5000, sudo: false, runMark: runDir }));
    expect(printed.stdout).toBe(`${runDir}\n`);
    const pidFile = join(work, 'bg.pid');
    // The program leaves its own session: the mark still finds it.
    await run(sh.startBackground({ argv: ['setsid', 'sleep', '300'], cwd: work, logFile: join(work, 'bg.log'), pidFile, sudo: false, runMark: runDir }));
    const swept = parseSweepLines((await run(sh.sweepMarked({ scope: { runDir }, graceMs: 300, sudo: false })!)).stdout);
    expect(swept.map((p) => p.command)).toEqual(['sleep 300']);
  }, 30_000);
});
