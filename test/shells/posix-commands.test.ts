import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { posixShell as sh } from '../../src/shells/posix.ts';
import { ensureTestUser } from '../../src/sandbox/local-user.ts';
import { CLEAN_NOT_REMOVED, CLEAN_REFUSED, FOLLOW_TOO_LONG, FREE_PORT_FLOOR, parseStageLines, parseStopLines, parseSweepLines, RUN_MARKER, splitRunThenSweep } from '../../src/shells/shell.ts';
import { LogFrames, type LogFrame } from '../../src/probes/log-frames.ts';
import { runWith } from './dash-with-tools.ts';
import { HOSTILE } from './hostile-strings.ts';

// The dialect's scripts, run by the real dash here (the SSH tests run them through sshd).
function run(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('dash', ['-c', script], { encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const statMode = (path: string): number => statSync(path).mode;

const MARKER = 'f0110we2';

/** A followLog script run by dash, its output read frame by frame as it streams. */
function follow(script: string): {
  child: ChildProcess;
  next: () => Promise<LogFrame>;
  exit: Promise<{ code: number | null; signal?: string | null; stderr: string; rest: string }>;
} {
  const child = spawn('dash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const frames = new LogFrames(MARKER, 1024 * 1024);
  const ready: LogFrame[] = [];
  const waiting: ((frame: LogFrame) => void)[] = [];
  let stderr = '';
  let raw = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
    for (const frame of frames.push(chunk)) {
      const waiter = waiting.shift();
      if (waiter) waiter(frame);
      else ready.push(frame);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal?: string | null; stderr: string; rest: string }>((resolve) => {
    child.once('close', (code, signal) => {
      // What followed the last whole frame: nothing, for a follower that ends cleanly.
      const rest = raw.slice(raw.lastIndexOf(`${MARKER} `)).replace(/^[^\n]*\n/, '');
      resolve(signal ? { code, signal, stderr, rest } : { code, stderr, rest });
    });
  });
  const next = () => {
    const frame = ready.shift();
    return frame ? Promise.resolve(frame) : new Promise<LogFrame>((resolve) => waiting.push(resolve));
  };
  return { child, next, exit };
}

/** python3 itself, not a version manager's shim that needs its own PATH. */
function realPython(): string {
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
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

/** A process that is there and not a zombie; gone once /proc no longer has it. */
function processAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false; // no such process
  }
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

  it('receiveFile writes stdin byte for byte to a hostile path, with the mode, and fails loudly where it cannot', async () => {
    const path = join(work, `recv ${HOSTILE[5]} ${HOSTILE[1]}.bin`);
    const bytes = Buffer.from([0, 255, 10, 13, 0x80, 0xc3, 0x28, 36, 40, 105, 100, 41]);
    const wrote = await new Promise<number>((resolve) => {
      const child = execFile('dash', ['-c', sh.receiveFile(path, 0o640)!], (error) => resolve(error ? Number(error.code ?? 1) : 0));
      child.stdin!.end(bytes);
    });
    expect(wrote).toBe(0);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect((statMode(path) & 0o777).toString(8)).toBe('640');
    const refused = await run(`${sh.receiveFile(join(work, 'no-such-dir', 'x'), 0o644)!} </dev/null`);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/no-such-dir/);
  });

  it('refuses an unsafe run id', () => {
    expect(() => sh.makeRunDir({ runId: '../x' })).toThrow(/run id/);
  });

  describe('stageArchive', () => {
    const payload = '#!/bin/sh\n';
    const payloadSha = createHash('sha256').update(payload).digest('hex');
    let archive: string;
    let sha: string;
    beforeEach(async () => {
      mkdirSync(join(work, 'src'));
      writeFileSync(join(work, 'src', 'ephemerd'), payload);
      archive = join(work, 'a.tar.gz');
      expect((await run(`tar -czf '${archive}' -C '${work}/src' ephemerd`)).code).toBe(0);
      sha = createHash('sha256').update(readFileSync(archive)).digest('hex');
    });
    const stage = (over: Partial<Parameters<typeof sh.stageArchive>[0]> = {}) =>
      sh.stageArchive({ archive, expectedSha256: sha, destination: join(work, 'out'), format: 'tar.gz', binaryPath: join(work, 'out', 'ephemerd'), ...over });

    it('on a matching hash extracts and finds the binary, in one command', async () => {
      const res = await run(stage({ expectedSha256: sha.toUpperCase() }));
      expect(res).toEqual({ code: 0, stdout: `sha256 ${sha}\nbinary yes\nbinary-sha256 ${payloadSha}\n`, stderr: '' });
      expect(readFileSync(join(work, 'out', 'ephemerd'), 'utf8')).toBe(payload);
      expect(parseStageLines(res.stdout)).toEqual({ sha256: sha, mismatch: false, binary: true, binarySha256: payloadSha });
    });

    it('says `binary no` when the archive lacks the binary', async () => {
      const res = await run(stage({ binaryPath: join(work, 'out', 'ephemerd.exe') }));
      expect(res.stdout).toBe(`sha256 ${sha}\nbinary no\n`);
      expect(parseStageLines(res.stdout).binary).toBe(false);
    });

    it('on a hash mismatch extracts nothing and says so', async () => {
      const res = await run(stage({ expectedSha256: '0'.repeat(64) }));
      expect(res).toEqual({ code: 0, stdout: `sha256 ${sha}\nmismatch\n`, stderr: '' });
      expect(existsSync(join(work, 'out'))).toBe(false);
      expect(parseStageLines(res.stdout)).toEqual({ sha256: sha, mismatch: true });
    });

    it('a broken archive with the right hash fails after the hash line, so the caller can name the extract step', async () => {
      writeFileSync(archive, 'not gzip at all');
      const broken = createHash('sha256').update('not gzip at all').digest('hex');
      const res = await run(stage({ expectedSha256: broken }));
      expect(res.code).not.toBe(0);
      expect(res.stdout).toBe(`sha256 ${broken}\n`);
      expect(res.stderr).toMatch(/gzip|tar/);
      expect(parseStageLines(res.stdout)).toEqual({ sha256: broken, mismatch: false });
    });

    const EXTRACT_TOOLS = { mkdir: '/usr/bin/mkdir', tar: '/usr/bin/tar', gzip: '/usr/bin/gzip' };

    it('without openssl, sha256sum or shasum exits 127 with a clear message and prints no hash', async () => {
      const res = await runWith(join(work, 'bin'), {}, stage());
      expect(res).toEqual({ code: 127, stdout: '', stderr: 'none of openssl, sha256sum or shasum is installed\n' });
      expect(existsSync(join(work, 'out'))).toBe(false);
    });

    it.each([
      ['openssl alone', { openssl: '/usr/bin/openssl' }],
      ['sha256sum alone', { sha256sum: '/usr/bin/sha256sum' }],
      // An openssl whose output is not a digest (an odd build, a FIPS refusal): sha256sum decides.
      ['an openssl that prints no digest, then sha256sum', { openssl: '#!/bin/sh\necho "Error setting digest"\n', sha256sum: '/usr/bin/sha256sum' }],
      ['an openssl that prints a short hex string, then sha256sum', { openssl: '#!/bin/sh\necho "abc123 *stdin"\n', sha256sum: '/usr/bin/sha256sum' }],
    ])('hashes with %s', async (_label, tools) => {
      const res = await runWith(join(work, 'bin'), { ...tools, ...EXTRACT_TOOLS }, stage());
      expect(res).toEqual({ code: 0, stdout: `sha256 ${sha}\nbinary yes\nbinary-sha256 ${payloadSha}\n`, stderr: '' });
    });

    it.each(HOSTILE.filter((h) => h !== '' && !h.includes('/')).map((h) => [JSON.stringify(h), h]))('survives the archive and folder named %s', async (_label, hostile) => {
      const named = join(work, `${hostile!}.tar.gz`);
      copyFileSync(archive, named);
      const out = join(work, `out ${hostile!}`);
      const res = await run(stage({ archive: named, destination: out, binaryPath: join(out, 'ephemerd') }));
      expect(res).toEqual({ code: 0, stdout: `sha256 ${sha}\nbinary yes\nbinary-sha256 ${payloadSha}\n`, stderr: '' });
      expect(readFileSync(join(out, 'ephemerd'), 'utf8')).toBe(payload);
    });
  });

  it('times a hung command out and reports it as timed out', async () => {
    const res = await run(sh.runWithTimeout({ argv: ['sleep', '30'], cwd: work, timeoutMs: 1000, sudo: false }));
    expect(sh.timedOut(res.code)).toBe(true);
    const ok = await run(sh.runWithTimeout({ argv: ['printf', '%s', '$(id)'], cwd: work, timeoutMs: 5000, sudo: false }));
    expect([ok.code, ok.stdout]).toEqual([0, '$(id)']);
  });

  it('starts a group, follows its log by offset in one shell, and kills a TERM-ignoring group with its children', async () => {
    const pidFile = join(work, 'p.pid');
    const log = join(work, 'log');
    // The child ignores TERM too, and is in the same group: SIGKILL to the group must take both.
    const program = "trap '' TERM; echo first; sleep 60 & echo second; wait";
    const started = await run(sh.startBackground({ argv: ['sh', '-c', program], cwd: work, logFile: log, pidFile, sudo: false }));
    expect(started.code).toBe(0);
    const pgid = started.stdout.trim();
    expect(pgid).toMatch(/^\d+$/);

    // Four bytes a read: the 13 bytes come in full reads, each right after the last.
    const follower = follow(sh.followLog({ logFile: log, pidFile, offset: 0, maxBytes: 4, intervalMs: 50, maxRunMs: 60_000, marker: MARKER }));
    let text = '';
    let offset = 0;
    while (!text.endsWith('second\n')) {
      const frame = await follower.next();
      expect(frame.alive).toBe(true);
      expect(frame.text.length).toBeLessThanOrEqual(4);
      expect(frame.offset).toBe(offset + Buffer.byteLength(frame.text));
      text += frame.text;
      offset = frame.offset;
    }
    expect(text).toBe('first\nsecond\n');

    const stopped = await run(sh.stopGroups({ pidFiles: [pidFile], graceMs: 300, sudo: false }));
    expect(parseStopLines(stopped.stdout)).toEqual([{ outcome: 'kill', pid: pgid, pidFile }]);
    expect(groupAlive(pgid)).toBe(false);
    // Gone (or a zombie no one reaped yet): the follower says so, with nothing new, and ends.
    let last = await follower.next();
    while (last.alive) last = await follower.next();
    expect(last).toEqual({ text: '', alive: false, offset });
    expect(await follower.exit).toEqual({ code: 0, stderr: '', rest: '' });

    // No pid file and no log yet (a start that failed early): not alive, offset 0, no noise.
    const none = follow(sh.followLog({ logFile: join(work, 'none.log'), offset: 0, maxBytes: 4, pidFile: join(work, 'none.pid'), intervalMs: 50, maxRunMs: 1000, marker: MARKER }));
    expect(await none.next()).toEqual({ text: '', alive: false, offset: 0 });
    expect(await none.exit).toEqual({ code: 0, stderr: '', rest: '' });
    const again = await run(sh.stopGroups({ pidFiles: [pidFile, join(work, 'missing.pid')], graceMs: 300, sudo: false }));
    expect(parseStopLines(again.stdout).map((r) => r.outcome)).toEqual(['not-running', 'no-pid']);
  });

  it('runThenSweep runs the command, then sweeps what it left with the run mark, its output apart after the marker', async () => {
    // The child leaves the group and lets go of the command's streams: the exec would end without it.
    const program = 'setsid sleep 62 >/dev/null 2>&1 & printf out; echo err >&2; exit 3';
    const res = await run(sh.runThenSweep({ run: { argv: ['sh', '-c', program], cwd: work, timeoutMs: 5000, sudo: false, runMark: work }, graceMs: 1000, marker: MARKER }));
    const split = splitRunThenSweep({ exitCode: res.code, signal: null, stdout: res.stdout, stderr: res.stderr, timedOut: false, truncated: false }, MARKER);
    expect(split?.run).toMatchObject({ exitCode: 3, stdout: 'out', stderr: 'err\n' });
    expect(split?.sweep.exitCode).toBe(0);
    const swept = parseSweepLines(split!.sweep.stdout);
    expect(swept).toEqual([{ pid: expect.any(Number), command: 'sleep 62', survived: false }]);
    expect(processAlive(swept[0]!.pid)).toBe(false);

    // A command that runs out of time is told apart by its code, and the sweep still runs.
    const slow = await run(sh.runThenSweep({ run: { argv: ['sleep', '30'], cwd: work, timeoutMs: 1000, sudo: false, runMark: work }, graceMs: 1000, marker: MARKER }));
    const timedOut = splitRunThenSweep({ exitCode: slow.code, signal: null, stdout: slow.stdout, stderr: slow.stderr, timedOut: false, truncated: false }, MARKER);
    expect(sh.timedOut(timedOut!.run.exitCode)).toBe(true);
    expect(timedOut!.sweep).toEqual({ stdout: '', exitCode: 0 });
  });

  it('followLog gives up after maxRunMs of sleeping, and ends when its reader goes away', async () => {
    const pidFile = join(work, 'p.pid');
    const log = join(work, 'log');
    const started = await run(sh.startBackground({ argv: ['sh', '-c', 'echo up; exec sleep 60'], cwd: work, logFile: log, pidFile, sudo: false }));
    expect(started.code).toBe(0);
    try {
      // Three naps of 50 ms allowed: the fourth ends it.
      const bounded = follow(sh.followLog({ logFile: log, pidFile, offset: 0, maxBytes: 1024, intervalMs: 50, maxRunMs: 150, marker: MARKER }));
      const frames = [];
      for (let i = 0; i < 4; i++) frames.push(await bounded.next());
      expect(frames.map((f) => [f.alive, f.offset])).toEqual([[true, 3], [true, 3], [true, 3], [true, 3]]);
      expect(frames[0]!.text).toBe('up\n');
      expect((await bounded.exit).code).toBe(FOLLOW_TOO_LONG);

      const dropped = follow(sh.followLog({ logFile: log, pidFile, offset: 3, maxBytes: 1024, intervalMs: 50, maxRunMs: 60_000, marker: MARKER }));
      expect(await dropped.next()).toEqual({ text: '', alive: true, offset: 3 });
      dropped.child.stdout!.destroy();
      // Its next frame's write fails: the loop ends long before its 60 s.
      const end = await dropped.exit;
      expect(end.code === 0 || end.signal === 'SIGPIPE').toBe(true);
    } finally {
      await run(sh.stopGroups({ pidFiles: [pidFile], graceMs: 300, sudo: false }));
    }
  });

  it('never signals every process for a pid file holding 1 or -1', async () => {
    writeFileSync(join(work, 'one.pid'), '1\n');
    writeFileSync(join(work, 'minus.pid'), '-1\n');
    const res = await run(sh.stopGroups({ pidFiles: [join(work, 'one.pid'), join(work, 'minus.pid')], graceMs: 100, sudo: false }));
    expect(parseStopLines(res.stdout).map((r) => r.outcome)).toEqual(['no-pid', 'no-pid']);
  });

  describe('cleanRun', () => {
    async function runWithSleeper(runId: string): Promise<{ dir: string; pgid: string; pidFile: string }> {
      const dir = (await run(sh.makeRunDir({ workdir: work, runId }))).stdout.trim();
      const pidFile = join(dir, 'pids', 'sleep.pid');
      const started = await run(sh.startBackground({ argv: ['sleep', '300'], cwd: dir, logFile: join(dir, 'sleep.log'), pidFile, sudo: false }));
      expect(started.code).toBe(0);
      return { dir, pgid: started.stdout.trim(), pidFile };
    }

    it('stops every recorded group, then removes the marked run dir, in one command', async () => {
      const { dir, pgid, pidFile } = await runWithSleeper('clean');
      writeFileSync(join(dir, 'pids', 'gone.pid'), '999999\n');
      const res = await run(sh.cleanRun({ runDir: dir, graceMs: 2000, sudo: false, remove: true }));
      expect(res.code).toBe(0);
      expect(parseStopLines(res.stdout)).toEqual([
        { outcome: 'not-running', pid: '999999', pidFile: join(dir, 'pids', 'gone.pid') },
        { outcome: 'term', pid: pgid, pidFile },
      ]);
      expect(res.stdout.endsWith('removed\n')).toBe(true);
      expect(groupAlive(pgid)).toBe(false);
      expect(existsSync(dir)).toBe(false);
      expect((await run(sh.cleanRun({ runDir: dir, graceMs: 100, sudo: false, remove: true }))).stdout).toBe('absent\n');
    });

    it('keeps the directory when not asked to remove it, but still stops', async () => {
      const { dir, pgid } = await runWithSleeper('keep');
      const res = await run(sh.cleanRun({ runDir: dir, graceMs: 2000, sudo: false, remove: false }));
      expect([res.code, parseStopLines(res.stdout).map((r) => r.outcome)]).toEqual([0, ['term']]);
      expect(res.stdout).not.toMatch(/removed|absent/);
      expect(groupAlive(pgid)).toBe(false);
      expect(existsSync(dir)).toBe(true);
    });

    it('of two cleaners of one run dir (hosts sharing a workdir) one removes it and the other finds it gone', async () => {
      for (let i = 0; i < 5; i++) {
        const dir = (await run(sh.makeRunDir({ workdir: work, runId: `twice-${i}` }))).stdout.trim();
        mkdirSync(join(dir, 'bin', 'deep', 'er'), { recursive: true });
        const clean = sh.cleanRun({ runDir: dir, graceMs: 100, sudo: false, remove: true });
        const both = await Promise.all([run(clean), run(clean)]);
        expect(both.map((r) => r.code)).toEqual([0, 0]);
        expect(both.map((r) => r.stdout).sort()).toEqual(['absent\n', 'removed\n']);
        expect(existsSync(dir)).toBe(false);
      }
      expect(readdirSync(work)).toEqual([]);
    });

    it('a removal that fails halfway exits CLEAN_NOT_REMOVED and puts what is left back', async () => {
      const user = ensureTestUser('smoke-test');
      chmodSync(work, 0o755); // mkdtemp's 0700 would hide the run dir from the user
      const dir = (await run(sh.makeRunDir({ workdir: work, runId: 'stuck' }))).stdout.trim();
      mkdirSync(join(dir, 'locked'));
      writeFileSync(join(dir, 'locked', 'file'), 'x');
      for (const p of [work, dir, join(dir, 'pids'), join(dir, RUN_MARKER)]) chownSync(p, user.uid, user.gid);
      const res = await new Promise<{ code: number; stderr: string }>((resolve) => {
        const script = sh.cleanRun({ runDir: dir, graceMs: 100, sudo: false, remove: true });
        execFile('dash', ['-c', script], { encoding: 'utf8', uid: user.uid, gid: user.gid }, (error, _stdout, stderr) => {
          resolve({ code: error && typeof error.code === 'number' ? error.code : 0, stderr });
        });
      });
      expect(res.code).toBe(CLEAN_NOT_REMOVED);
      expect(res.stderr).toMatch(/locked.*Permission denied/);
      expect(readFileSync(join(dir, 'locked', 'file'), 'utf8')).toBe('x');
      expect(readdirSync(work)).toEqual([basename(dir)]);
    });

    it('refuses a directory without the marker with its own exit code, and leaves it alone', async () => {
      const plain = join(work, "plain '$(id)'");
      mkdirSync(join(plain, 'pids'), { recursive: true });
      const res = await run(sh.cleanRun({ runDir: plain, graceMs: 100, sudo: false, remove: true }));
      expect(res.code).toBe(CLEAN_REFUSED);
      expect(res.stderr).toBe(`refusing to remove ${plain}: not a directory with a ${RUN_MARKER} marker\n`);
      expect(existsSync(plain)).toBe(true);
    });
  });

  it('lists leftover runs with their recorded groups', async () => {
    const made = (await run(sh.makeRunDir({ workdir: work, runId: 'left' }))).stdout.trim();
    writeFileSync(join(made, 'pids', 'boot.pid'), '999999\n');
    mkdirSync(join(work, 'smoke-not-ours'));
    const res = await run(sh.listRuns({ workdir: work }));
    expect(res.stdout).toBe(`run ${made}\npid 999999 0\n`);
  });

  /** makeDataDirAndStart with a hostile data dir under `work`, the config around the port written as TOML. */
  function launchInto(runDir: string, options: { port?: number; argv?: string[]; cwd?: string } = {}) {
    const dataDir = join(runDir, "data $(id) 'q'", 'deeper');
    const pidFile = join(runDir, 'p.pid');
    const command = sh.makeDataDirAndStart({
      dataDir,
      port: options.port ?? 0,
      config: { path: join(dataDir, 'config.toml'), before: "# it's\nport = ", after: '\n' },
      start: { argv: options.argv ?? ['sh', '-c', 'echo up; exec sleep 60'], cwd: options.cwd ?? runDir, logFile: join(runDir, 'log'), pidFile, sudo: false, runMark: runDir },
    });
    return { command, dataDir, pidFile };
  }

  /** The `port` line and the started group's id, from what makeDataDirAndStart printed. */
  function launched(stdout: string): { port: number; pgid: string } {
    const m = /^port (\d+)\n(\d+)\n$/.exec(stdout);
    expect(m, stdout).not.toBeNull();
    return { port: Number(m![1]), pgid: m![2]! };
  }

  const START_TOOLS = { mkdir: '/usr/bin/mkdir', rm: '/usr/bin/rm', cat: '/usr/bin/cat', sleep: '/usr/bin/sleep', setsid: '/usr/bin/setsid', sh: '/usr/bin/dash', env: '/usr/bin/env' };

  it.each([
    ['perl', '/usr/bin/perl'],
    ['python3', realPython()],
    ['node', process.execPath],
  ])('finds the free port with %s alone, below the ephemeral range an outgoing connection could take it from, and starts on it', async (tool, path) => {
    const ports = new Set<number>();
    for (let i = 0; i < 5; i++) {
      const { command, dataDir, pidFile } = launchInto(join(work, `run-${i}`), { argv: ['sleep', '0'] });
      const made = await runWith(join(work, 'bin'), { ...START_TOOLS, [tool]: path }, command);
      expect(made, made.stderr).toMatchObject({ code: 0, stderr: '' });
      const { port, pgid } = launched(made.stdout);
      expect(readFileSync(join(dataDir, 'config.toml'), 'utf8')).toBe(`# it's\nport = ${port}\n`);
      expect(readFileSync(pidFile, 'utf8').trim()).toBe(pgid);
      ports.add(port);
    }
    const ephemeralFrom = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    for (const port of ports) {
      expect(Number.isInteger(port)).toBe(true);
      expect(port).toBeGreaterThanOrEqual(FREE_PORT_FLOOR);
      expect(port).toBeLessThan(ephemeralFrom);
    }
    // Drawn at random, not the same port each time.
    expect(ports.size).toBeGreaterThan(1);
  });

  it('makes a hostile data dir, takes a given port and starts the daemon in one command; stopAndSweep stops its group, then sweeps what left it', async () => {
    // The daemon's child leaves the group (setsid) but keeps the run's mark: the sweep's to find.
    const argv = ['sh', '-c', 'setsid sleep 61 & echo up; exec sleep 60'];
    const { command, dataDir, pidFile } = launchInto(work, { port: 18_080, argv });
    const made = await run(command);
    expect(made.code, made.stderr).toBe(0);
    const { port, pgid } = launched(made.stdout);
    expect(port).toBe(18_080);
    expect(readFileSync(join(dataDir, 'config.toml'), 'utf8')).toBe("# it's\nport = 18080\n");
    expect(groupAlive(pgid)).toBe(true);

    const res = await run(sh.stopAndSweep({ pidFiles: [pidFile, join(work, 'missing.pid')], runDir: work, graceMs: 2000, sudo: false }));
    expect(res.code, res.stderr).toBe(0);
    expect(parseStopLines(res.stdout)).toEqual([
      { outcome: 'term', pid: pgid, pidFile },
      { outcome: 'no-pid', pid: '-', pidFile: join(work, 'missing.pid') },
    ]);
    const swept = parseSweepLines(res.stdout);
    expect(swept).toEqual([{ pid: expect.any(Number), command: 'sleep 61', survived: false }]);
    // Stopped first, swept after: the sweep's lines follow every stop line.
    expect(res.stdout.indexOf('swept ')).toBeGreaterThan(res.stdout.lastIndexOf('stop '));
    expect(groupAlive(pgid)).toBe(false);
    expect(processAlive(swept[0]!.pid)).toBe(false);
  });

  it('makeDataDirAndStart with no tool to find a port fails before its port line, and starts nothing', async () => {
    const { command, pidFile } = launchInto(work);
    const made = await runWith(join(work, 'bin'), START_TOOLS, command);
    expect(made.code).toBe(127);
    expect(made.stderr).toBe('no perl, python3 or node to find a free port with\n');
    expect(made.stdout).not.toMatch(/^port /m);
    expect(existsSync(pidFile)).toBe(false);
  });

  it('makeDataDirAndStart whose start fails says so after its port line, and no pid is recorded', async () => {
    const { command, pidFile } = launchInto(work, { cwd: join(work, 'no such dir') });
    const made = await run(command);
    expect(made.code).toBe(125);
    expect(made.stdout).toMatch(/^port \d+\n$/);
    expect(made.stderr).toMatch(/no such dir/);
    expect(existsSync(pidFile)).toBe(false);
  });

  it('a health check on a port nobody serves fails', async () => {
    const { command, pidFile } = launchInto(work, { argv: ['sleep', '0'] });
    const { port } = launched((await run(command)).stdout);
    const res = await run(sh.healthz({ port, timeoutMs: 2000 }));
    expect(res.code).not.toBe(0);
    await run(sh.stopGroups({ pidFiles: [pidFile], graceMs: 100, sudo: false }));
  });
});
