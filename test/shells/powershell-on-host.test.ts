import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '../../src/hosts/connect-host.ts';
import type { Remote } from '../../src/hosts/remote.ts';
import { startPowerShellSshd } from '../../src/sandbox/powershell-host.ts';
import { powerShell as ps } from '../../src/shells/powershell.ts';
import { CLEAN_REFUSED, parseStageLines, parseStopLines, parseSweepLines, RUN_MARKER, splitRunThenSweep } from '../../src/shells/shell.ts';
import { parseHostFacts } from '../../src/shells/host-facts.ts';
import { hostConfigFor, type SshdHandle } from '../support/sshd.ts';
import { writeTarGz } from '../support/write-tar-gz.ts';
import { writeZip } from '../support/write-zip.ts';
import { leftovers } from '../probes/stand-in-host.ts';

// Each command of the PowerShell dialect, run by a real PowerShell behind a real sshd (the
// PowerShell host), judged by what it did on the host: files, processes, exit codes.
const TIMEOUT = { timeout: 180_000 };
let withTar: SshdHandle;
let withoutTar: SshdHandle;
let remote: Remote;
let bare: Remote;
let work: string;

beforeAll(async () => {
  [withTar, withoutTar] = await Promise.all([startPowerShellSshd(), startPowerShellSshd({ tarExe: false })]);
  remote = await connectHost(hostConfigFor(withTar, { platform: 'windows/amd64', shell: 'powershell' }));
  bare = await connectHost(hostConfigFor(withoutTar, { platform: 'windows/amd64', shell: 'powershell' }));
  // Names PowerShell would read as wildcards or expressions without -LiteralPath and quoting.
  work = join(mkdtempSync(join(tmpdir(), 'smoke-ps-host-')), "it's [1] $(id) ‘q’");
  mkdirSync(work);
});
afterAll(async () => {
  await Promise.all([remote?.close(), bare?.close()]);
  await Promise.all([withTar?.stop(), withoutTar?.stop()]);
  if (work) rmSync(join(work, '..'), { recursive: true, force: true });
});

async function run(command: string, on: Remote = remote) {
  return on.exec(command, { timeoutMs: 120_000 });
}

describe('the PowerShell dialect on the PowerShell host', TIMEOUT, () => {
  it('makes a run directory with its marker and pids folder, under the temp dir or a hostile workdir', async () => {
    for (const workdir of [undefined, work]) {
      const res = await run(ps.makeRunDir(workdir === undefined ? { runId: 'r-1' } : { workdir, runId: 'r-1' }));
      expect(res.exitCode, res.stderr).toBe(0);
      const dir = res.stdout.trim();
      expect(dir.startsWith(join(workdir ?? tmpdir(), 'smoke-r-1-'))).toBe(true);
      expect(readFileSync(join(dir, RUN_MARKER), 'utf8')).toBe('r-1');
      expect(existsSync(join(dir, 'pids'))).toBe(true);
      rmSync(dir, { recursive: true });
    }
  });

  /** makeDataDirAndStart for a node process that names `runDir` (so leftovers() finds it), the config as TOML. */
  function launchInto(runDir: string, options: { argv?: string[]; dataDir?: string; cwd?: string } = {}) {
    const dataDir = options.dataDir ?? join(runDir, 'data [x]');
    const pidFile = join(runDir, 'pids', 'serve.pid');
    const argv = options.argv ?? [process.execPath, '-e', 'setInterval(() => {}, 1000)', runDir];
    const config = { path: join(dataDir, 'config.toml'), before: "# it's\nport = ", after: '\n' };
    const command = ps.makeDataDirAndStart({ dataDir, port: 0, config, start: { argv, cwd: options.cwd ?? runDir, logFile: join(runDir, 'serve.log'), pidFile, sudo: false } });
    return { command, dataDir, pidFile };
  }

  it('makes the data directory, finds a free port, writes the config and starts the daemon in one command; stopAndSweep stops it, then sweeps the run', async () => {
    const runDir = (await run(ps.makeRunDir({ workdir: work, runId: 'launch' }))).stdout.trim();
    const { command, dataDir, pidFile } = launchInto(runDir);
    const made = await run(command);
    expect(made.exitCode, made.stderr).toBe(0);
    const m = /^port (\d+)\r?\n(\d+)\r?\n$/.exec(made.stdout);
    expect(m, made.stdout).not.toBeNull();
    const [port, pid] = [Number(m![1]), Number(m![2])];
    expect(port).toBeGreaterThanOrEqual(10_000);
    expect(readFileSync(join(dataDir, 'config.toml'), 'utf8')).toBe(`# it's\nport = ${port}\n`);
    expect(readFileSync(pidFile, 'utf8')).toBe(String(pid));
    // Free indeed: this machine shares the host's loopback.
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));

    // A second process of the run, recorded but not named to stopAndSweep: the sweep's to find.
    const other = await run(ps.startBackground({ argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)', runDir, 'other'], cwd: runDir, logFile: join(runDir, 'other.log'), pidFile: join(runDir, 'pids', 'other.pid'), sudo: false }));
    expect(other.exitCode, other.stderr).toBe(0);
    expect(leftovers(runDir)).toHaveLength(3);
    const res = await run(ps.stopAndSweep({ pidFiles: [pidFile], runDir, graceMs: 1000, sudo: false }));
    expect(res.exitCode, res.stderr).toBe(0);
    expect(parseStopLines(res.stdout)).toEqual([{ outcome: 'kill', pid: String(pid), pidFile }]);
    expect(parseSweepLines(res.stdout)).toEqual([{ pid: Number(other.stdout.trim()), command: expect.stringMatching(/ other$/), survived: false }]);
    expect(res.stdout.indexOf('swept ')).toBeGreaterThan(res.stdout.lastIndexOf('stop '));
    expect(leftovers(runDir)).toEqual([`dir ${runDir}`]);
    rmSync(runDir, { recursive: true });
  });

  it('runThenSweep runs the command, then sweeps the run, the two outputs apart at the marker', async () => {
    const runDir = (await run(ps.makeRunDir({ workdir: work, runId: 'then-sweep' }))).stdout.trim();
    // A process on the run's record, still running when the command ends: the sweep's to find.
    const left = await run(ps.startBackground({ argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)', runDir, 'left'], cwd: runDir, logFile: join(runDir, 'left.log'), pidFile: join(runDir, 'pids', 'left.pid'), sudo: false }));
    expect(left.exitCode, left.stderr).toBe(0);
    const argv = [process.execPath, '-e', 'process.stdout.write("out"); process.stderr.write("err\\n"); process.exitCode = 3'];
    const marker = 'a1b2c3';
    const res = await run(ps.runThenSweep({ run: { argv, cwd: runDir, timeoutMs: 30_000, sudo: false, runMark: runDir }, graceMs: 1000, marker }));
    const split = splitRunThenSweep(res, marker);
    expect(split?.run, res.stdout).toMatchObject({ exitCode: 3, stdout: 'out', stderr: 'err\n' });
    expect(split?.sweep.exitCode).toBe(0);
    expect(parseSweepLines(split!.sweep.stdout)).toEqual([{ pid: Number(left.stdout.trim()), command: expect.stringMatching(/ left$/), survived: false }]);
    expect(leftovers(runDir)).toEqual([`dir ${runDir}`]);
    rmSync(runDir, { recursive: true });
  });

  it('makeDataDirAndStart fails before its port line when the data directory cannot be made, and starts nothing', async () => {
    const runDir = join(work, 'no-dir');
    mkdirSync(join(runDir, 'pids'), { recursive: true });
    writeFileSync(join(runDir, 'a file'), '');
    const { command, pidFile } = launchInto(runDir, { dataDir: join(runDir, 'a file', 'data') });
    const made = await run(command);
    expect(made.exitCode).toBe(1);
    expect(made.stdout).not.toMatch(/^port /m);
    expect(made.stderr).not.toBe('');
    expect(existsSync(pidFile)).toBe(false);
  });

  it('makeDataDirAndStart whose start fails (no such working directory) fails after its port line, with no pid recorded', async () => {
    const runDir = join(work, 'no-start');
    mkdirSync(join(runDir, 'pids'), { recursive: true });
    const { command, pidFile } = launchInto(runDir, { cwd: join(runDir, 'gone') });
    const made = await run(command);
    expect(made.exitCode).toBe(1);
    expect(made.stdout).toMatch(/^port \d+\r?\n$/);
    expect(made.stderr).toMatch(/gone/);
    expect(existsSync(pidFile)).toBe(false);
  });

  it('hashes, compares and extracts a zip with tar.exe, and with Expand-Archive where there is none; a wrong hash extracts nothing', async () => {
    const payload = Buffer.from('MZ stand-in binary\n');
    const local = join(work, 'ephemerd [v1].zip');
    await writeZip(local, [{ name: 'ephemerd.exe', data: payload }]);
    const sha = createHash('sha256').update(readFileSync(local)).digest('hex');
    for (const [name, on] of [['tar', remote], ['expand', bare]] as const) {
      const dir = join(work, `stage-${name}`);
      mkdirSync(dir);
      const archive = join(dir, 'up [1].zip');
      await on.upload(local, archive, { timeoutMs: 60_000 });
      const wrong = await run(ps.stageArchive({ archive, expectedSha256: '0'.repeat(64), destination: join(dir, 'no'), format: 'zip', binaryPath: join(dir, 'no', 'ephemerd.exe') }), on);
      expect(wrong.exitCode, wrong.stderr).toBe(0);
      expect(parseStageLines(wrong.stdout)).toEqual({ sha256: sha, mismatch: true });
      expect(existsSync(join(dir, 'no'))).toBe(false);
      const bin = join(dir, 'bin');
      const res = await run(ps.stageArchive({ archive, expectedSha256: sha.toUpperCase(), destination: bin, format: 'zip', binaryPath: join(bin, 'ephemerd.exe') }), on);
      expect(res.exitCode, res.stderr).toBe(0);
      // The extracted binary's own hash: what the inspection's hash of the entry is compared with.
      const binarySha256 = createHash('sha256').update(payload).digest('hex');
      expect(parseStageLines(res.stdout), name).toEqual({ sha256: sha, mismatch: false, binary: true, binarySha256 });
      expect(readFileSync(join(bin, 'ephemerd.exe')).equals(payload)).toBe(true);
    }
  });

  it('extracts a tar.gz only with tar.exe: Expand-Archive reads zips alone, and says so', async () => {
    const local = join(work, 'ephemerd.tar.gz');
    await writeTarGz(local, [{ name: 'ephemerd.exe', data: Buffer.from('x') }]);
    const sha = createHash('sha256').update(readFileSync(local)).digest('hex');
    const outcomes: Record<string, unknown> = {};
    for (const [name, on] of [['tar', remote], ['expand', bare]] as const) {
      const dir = join(work, `targz-${name}`);
      mkdirSync(dir);
      await on.upload(local, join(dir, 'a.tar.gz'), { timeoutMs: 60_000 });
      const res = await run(ps.stageArchive({ archive: join(dir, 'a.tar.gz'), expectedSha256: sha, destination: join(dir, 'bin'), format: 'tar.gz', binaryPath: join(dir, 'bin', 'ephemerd.exe') }), on);
      outcomes[name] = { exit: res.exitCode === 0, ...parseStageLines(res.stdout) };
      // Expand-Archive's error has no message: its type is what the host says.
      if (name === 'expand') expect(res.stderr).toMatch(/FileFormatException/);
    }
    const binarySha256 = createHash('sha256').update('x').digest('hex');
    expect(outcomes).toEqual({ tar: { exit: true, sha256: sha, mismatch: false, binary: true, binarySha256 }, expand: { exit: false, sha256: sha, mismatch: false } });
  });

  it('tells hosts check what the host is: Windows_NT, AMD64, the workdir, its free space, and whether a program is there', async () => {
    const facts = parseHostFacts((await run(ps.hostFacts({ workdir: work, program: process.execPath }))).stdout);
    expect(facts).toMatchObject({ os: 'windows', arch: 'amd64', workdir: 'ok', program: true });
    expect(facts.freeBytes).toBeGreaterThan(0);
    const missing = parseHostFacts((await run(ps.hostFacts({ workdir: join(work, 'nope'), program: join(work, 'no [such] *') }))).stdout);
    expect(missing).toMatchObject({ workdir: 'missing', program: false });
  });

  it('starts a process in the background with its pid recorded, lists it, and cleans the run: process stopped, directory removed', async () => {
    const runDir = (await run(ps.makeRunDir({ workdir: work, runId: 'bg' }))).stdout.trim();
    const pidFile = join(runDir, 'pids', 'serve.pid');
    const logFile = join(runDir, 'serve.log');
    // Names the run dir on its command line, so this machine can look for it.
    const script = 'setInterval(() => console.error("tick"), 100)';
    const started = await run(ps.startBackground({ argv: [process.execPath, '-e', script, runDir], cwd: runDir, logFile, pidFile, sudo: false }));
    expect(started.exitCode, started.stderr).toBe(0);
    const pid = Number(started.stdout.trim());
    expect(readFileSync(pidFile, 'utf8')).toBe(String(pid));
    const listed = await run(ps.listRuns({ workdir: work }));
    expect(listed.stdout).toContain(`run ${runDir}\npid ${pid} 1\n`);
    // Still writing its log after the PowerShell that started it ended.
    expect(readFileSync(logFile, 'utf8')).toMatch(/tick\ntick\n/);
    expect(leftovers(runDir)).toEqual([expect.stringMatching(/^process \d+$/), `dir ${runDir}`]);

    const cleaned = await run(ps.cleanRun({ runDir, graceMs: 1000, sudo: false, remove: true }));
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expect(parseStopLines(cleaned.stdout)).toEqual([{ outcome: 'kill', pid: String(pid), pidFile }]);
    expect(cleaned.stdout).toMatch(/^removed$/m);
    expect(leftovers(runDir)).toEqual([]);
  });

  it('records the started process with its creation time, and the sweep kills it, not a live process whose pid the record names with another creation time', async () => {
    const runDir = (await run(ps.makeRunDir({ workdir: work, runId: 'sweep' }))).stdout.trim();
    const pidFile = join(runDir, 'pids', 'serve.pid');
    const started = await run(ps.startBackground({ argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)', runDir], cwd: runDir, logFile: join(runDir, 'serve.log'), pidFile, sudo: false }));
    expect(started.exitCode, started.stderr).toBe(0);
    const pid = Number(started.stdout.trim());
    const tree = `${pidFile}.tree`;
    const [line, ...more] = readFileSync(tree, 'utf8').split('\n').filter(Boolean);
    expect(more).toEqual([]);
    expect(line).toMatch(new RegExp(`^${pid} [1-9]\\d+ .*setInterval`));
    // A live process under a recorded pid with another creation time: a reused pid, someone else's.
    const other = join(work, 'other');
    mkdirSync(other, { recursive: true });
    const bystander = await run(ps.startBackground({ argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)', other], cwd: other, logFile: join(other, 'log'), pidFile: join(other, 'pid'), sudo: false }));
    expect(bystander.exitCode, bystander.stderr).toBe(0);
    const bystanderPid = Number(bystander.stdout.trim());
    try {
      writeFileSync(tree, `${line}\n${bystanderPid} 5 node\n`);
      const res = await run(ps.sweepMarked({ scope: { runDir }, graceMs: 1000, sudo: false })!);
      expect(res.exitCode, res.stderr).toBe(0);
      expect(parseSweepLines(res.stdout)).toEqual([{ pid, command: expect.stringMatching(/ -e setInterval/), survived: false }]);
      expect(leftovers(runDir)).toEqual([`dir ${runDir}`]);
      expect(leftovers(other)).toEqual([expect.stringMatching(/^process \d+$/), `dir ${other}`]);
    } finally {
      await run(ps.stopGroups({ pidFiles: [join(other, 'pid')], graceMs: 1000, sudo: false }));
      rmSync(runDir, { recursive: true, force: true });
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses to clean a directory without the run marker, and leaves it', async () => {
    const dir = join(work, 'smoke-not-ours');
    mkdirSync(dir);
    writeFileSync(join(dir, 'precious'), 'x');
    const res = await run(ps.cleanRun({ runDir: dir, graceMs: 1000, sudo: false, remove: true }));
    expect(res.exitCode).toBe(CLEAN_REFUSED);
    expect(res.stderr).toMatch(/not a directory with a \.smoke-run marker/);
    expect(readFileSync(join(dir, 'precious'), 'utf8')).toBe('x');
  });

  it('asks /healthz from the host itself, and fails on a port nobody answers', async () => {
    const server = createHttpServer((_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const ok = await run(ps.healthz({ port, timeoutMs: 5000 }));
      // A body without a content type: PowerShell 7 hands it over as bytes.
      expect(ok).toMatchObject({ exitCode: 0, stdout: '{"status":"ok"}' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const down = await run(ps.healthz({ port, timeoutMs: 2000 }));
    expect(down.exitCode).not.toBe(0);
  });
});
