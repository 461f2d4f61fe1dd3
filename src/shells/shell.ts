import { SmokeError } from '../domain/errors.ts';
import type { ExecResult } from '../domain/exec-result.ts';

/**
 * The boot probe's port is drawn from FREE_PORT_FLOOR up to the host's ephemeral range: below,
 * ports are left to services (registered ports are dense there); above, outgoing connections
 * take them. Where the range cannot be read it is taken to start at FREE_PORT_CEILING (Linux's
 * default; macOS and Windows start theirs at 49152).
 */
export const FREE_PORT_FLOOR = 10_000;
export const FREE_PORT_CEILING = 32_768;

/**
 * A host's shell dialect: data plus pure functions that build the command text an SSH exec
 * runs. Probes and stages never concatenate strings for a shell themselves; they ask a dialect.
 * Every builder returns one complete command for `Remote.exec`, and the output each prints is
 * documented here so the callers parse one format whatever the host.
 */
export interface Shell {
  readonly kind: 'posix' | 'powershell';
  /** True when stopping asks first (SIGTERM) and forces later; Windows can only force. */
  readonly graceful: boolean;
  /**
   * A command's result with the exit code the host reported in-band, where the dialect's
   * commands report one (Windows' sshd may lose the SSH exit status); otherwise unchanged.
   */
  readExit(result: ExecResult): ExecResult;
  /** One argument, quoted so the host's shell passes it through byte for byte. */
  quote(arg: string): string;
  joinPath(dir: string, ...names: string[]): string;

  /**
   * Creates a fresh run directory under `workdir` (the host's temp dir when undefined) named
   * `smoke-<runId>-<random>`, with the marker file and the `pids` folder. Prints its path.
   */
  makeRunDir(options: { workdir?: string; runId: string }): string;
  makeDir(path: string): string;
  /**
   * A command that writes its stdin to `path` (created or truncated) and then sets `mode`: an
   * upload over an exec channel, which costs both ends less CPU than SFTP. Exits non-zero with
   * the tool's message when the file cannot be written. Null where stdin is not a byte pipe
   * (PowerShell): upload over SFTP there.
   */
  receiveFile(path: string, mode: number): string | null;
  /**
   * Verifies and unpacks an uploaded archive in one exec. Prints `sha256 <64 hex>`; when that is
   * `expectedSha256`, extracts into `destination` (creating it) and prints `binary yes|no` (is
   * `binaryPath` a regular file), then for `yes` `binary-sha256 <64 hex>` (the extracted file's
   * hash), otherwise prints `mismatch` and extracts nothing. Exits 0 in
   * those cases. A failing step exits non-zero with its message on stderr, and the lines printed
   * so far say which step it was (see `parseStageLines`); no hash tool at all is exit 127.
   */
  stageArchive(options: { archive: string; expectedSha256: string; destination: string; format: ArchiveFormat; binaryPath: string }): string;
  /** Prints the output of `codesign -d --entitlements -`, or exits 127 when there is no codesign. */
  entitlements(path: string): string;

  /**
   * Runs `argv` (already prefixed, see `prefix`) with a timeout enforced on the host, so a hung
   * binary does not outlive the probe. The exit code is the command's, or one for which
   * `timedOut` answers true.
   *
   * `runMark` (here, in `runScriptWithTimeout` and in `startBackground`) is the run directory:
   * where the dialect can, the process and everything it starts carry `RUN_MARK_VARIABLE=<runMark>`
   * in their environment, so `sweepMarked` finds them whatever their process group or session.
   */
  runWithTimeout(options: { argv: string[]; cwd: string; timeoutMs: number; sudo: boolean; runMark?: string }): string;
  /**
   * `runWithTimeout(run)`, then `sweepMarked` for the run `run.runMark` names, in one exec: the
   * command's stdout, then `\n<marker> <its exit code>\n`, then the sweep's lines and complaints
   * (see `splitRunThenSweep`). The exec's exit status is the sweep's. `marker` is random per call,
   * so the command cannot print the line itself.
   */
  runThenSweep(options: { run: { argv: string[]; cwd: string; timeoutMs: number; sudo: boolean; runMark: string }; graceMs: number; marker: string }): string;
  /** Runs a command line written for this shell (a custom probe) in `cwd`, with a timeout. */
  runScriptWithTimeout(options: { script: string; cwd: string; timeoutMs: number; sudo: boolean; runMark?: string }): string;
  timedOut(exitCode: number | null): boolean;

  /**
   * Starts `argv` in the background in its own process group, stdout and stderr to `logFile`,
   * and records the group's id in `pidFile`. Prints the id once the pid file exists.
   */
  startBackground(options: StartOptions): string;
  /**
   * Follows `logFile` from byte `offset` for as long as the recorded leader runs, in one exec:
   * every `intervalMs` (at once after a full read) it writes at most `maxBytes` of new log, then
   * the line `\n<marker> <alive> <nextOffset>\n` (alive 1 while the leader still runs;
   * `nextOffset` counts the bytes sent). It exits 0 after a frame with alive 0 and a read that was
   * not full, and `FOLLOW_TOO_LONG` when it has slept for `maxRunMs` without that.
   */
  followLog(options: { logFile: string; pidFile: string; offset: number; maxBytes: number; intervalMs: number; maxRunMs: number; marker: string }): string;
  /**
   * Stops the process groups recorded in `pidFiles`: SIGTERM, up to `graceMs`, SIGKILL, then a
   * check that nothing of the group is left. Prints one `STOP_LINE` per pid file.
   */
  stopGroups(options: { pidFiles: string[]; graceMs: number; sudo: boolean }): string;
  /**
   * Cleans up a run in one exec: `stopGroups` for every `*.pid` file in `runDir/pids` (one
   * `STOP_LINE` each), `sweepMarked` for the run where the dialect can (its lines), then, when `remove`, removes `runDir` if it is a directory holding the
   * marker (renamed first, so two cleaners of one directory never race) and prints `removed`
   * (or `absent` when there is none). Exits 0 when all that worked,
   * `CLEAN_REFUSED` for a path that is not a marked directory (left alone) and `CLEAN_NOT_REMOVED`
   * when removing failed; the reason is on stderr. Any other failure happened while stopping.
   */
  cleanRun(options: { runDir: string; graceMs: number; sudo: boolean; remove: boolean }): string;
  /**
   * Finds the processes whose environment carries a run mark (see `runWithTimeout`), exactly
   * `runDir`'s or, with `workdir`, that of any run under that workdir (whose directory may be gone),
   * and stops them: SIGTERM, up to `graceMs`, SIGKILL, looking again for any they started meanwhile.
   * Prints `swept <pid> <command>` once per process found, then `survived <pid>` for each still
   * running at the end (see `parseSweepLines`). Null where the dialect cannot find a run's
   * processes. PowerShell has no mark: it finds the processes recorded in the runs' directories
   * while they went (powershell-family.ts), so a run whose directory is gone is out of its reach.
   */
  sweepMarked(options: { scope: SweepScope; graceMs: number; sudo: boolean }): string | null;
  /** Prints one line per run directory left in `workdir`: `run <path>` then `pid <pid> <alive>` lines. */
  listRuns(options: { workdir?: string }): string;

  /**
   * What `smoke hosts check` asks a host, one `key value` line each: `os <as the host names it>`,
   * `arch <likewise>`, `workdir ok|missing|read-only`, `freeKiB <n>` (free space under `workdir`,
   * absent when unknown) and, when `program` is given, `program yes|no` (is it on the PATH).
   */
  hostFacts(options: { workdir?: string; program?: string }): string;
  /** Exits 0 when `sudo -n` runs a command as root without a password (what probes rely on). */
  sudoWorks(): string;

  /**
   * The boot probe's launch in one exec, as each PowerShell start costs a Windows host a few
   * hundred ms: `makeDir(dataDir)`; the port, `port` or for 0 one free on the host's loopback
   * (drawn as FREE_PORT_FLOOR says); the line `port <n>`; `config.path` written as
   * `config.before + n + config.after`; then `startBackground(start)` and its id line. A failure
   * without the `port` line is the directory's or the port's (`no free port` on stderr), one after
   * it the start's.
   */
  makeDataDirAndStart(options: { dataDir: string; port: number; config: PortConfigFile; start: StartOptions }): string;
  /**
   * `stopGroups(pidFiles)` then `sweepMarked` for `runDir`, in one exec: the `STOP_LINE`s, then the
   * sweep's lines. A failure without a `STOP_LINE` per pid file happened while stopping; one
   * after them, while sweeping.
   */
  stopAndSweep(options: { pidFiles: string[]; runDir: string; graceMs: number; sudo: boolean }): string;
  /** GET http://127.0.0.1:<port>/healthz from the host itself; prints the body, exits non-zero on failure. */
  healthz(options: { port: number; timeoutMs: number }): string;
}

export type ArchiveFormat = 'tar.gz' | 'zip';

/** What `startBackground` starts, and where it records it. */
export interface StartOptions {
  argv: string[];
  cwd: string;
  logFile: string;
  pidFile: string;
  sudo: boolean;
  runMark?: string;
}

/** A config file the host writes once it knows the port: `before + port + after`. */
export interface PortConfigFile {
  path: string;
  before: string;
  after: string;
}

/** One run's processes, or those of every run under a workdir (`undefined`: the host's temp dir). */
export type SweepScope = { runDir: string } | { workdir: string | undefined };

/** The environment variable that marks a run's processes; its value is the run directory. */
export const RUN_MARK_VARIABLE = 'SMOKE_RUN';

/** A process `sweepMarked` found carrying a run's mark: stopped, unless `survived`. */
export interface SweptProcess {
  pid: number;
  /** Its command line as the host's `ps` showed it (cut to 200 characters). */
  command: string;
  survived: boolean;
}

/** What `sweepMarked` prints: `swept <pid> <command>` and `survived <pid>`. */
export const SWEEP_LINE = /^(swept \d+( .*)?|survived \d+\s*)$/;

export function parseSweepLines(stdout: string): SweptProcess[] {
  const out: SweptProcess[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const swept = /^swept (\d+) ?(.*)$/.exec(line);
    // The command line is the host's text: no control character of it reaches a terminal.
    if (swept) out.push({ pid: Number(swept[1]), command: swept[2]!.replace(/[\u0000-\u001F\u007F-\u009F]/g, '?').trim().slice(0, 200), survived: false });
    const survived = /^survived (\d+)\s*$/.exec(line);
    const found = survived ? out.find((p) => p.pid === Number(survived[1])) : undefined;
    if (found) found.survived = true;
  }
  return out;
}

/** The marker a run directory holds; cleanup refuses a directory without it. */
export const RUN_MARKER = '.smoke-run';
export const PID_DIR = 'pids';

/** What `stopGroups` prints per pid file: `stop <how> <pid> <pidFile>`. */
export type StopOutcome = 'term' | 'kill' | 'not-running' | 'no-pid' | 'survived';
export const STOP_LINE = /^stop (term|kill|not-running|no-pid|survived) (\S+) (.*)$/;

/** `cleanRun`'s exit codes when stopping worked but the run directory is still there. */
export const CLEAN_REFUSED = 3;
export const CLEAN_NOT_REMOVED = 4;
/** `followLog`'s exit code when it slept for `maxRunMs` and the leader still ran. */
export const FOLLOW_TOO_LONG = 3;

/** What `stageArchive` printed; a field left unset names the step that did not finish. */
export interface StagedArchive {
  /** The host's hash of the archive; unset when hashing failed. */
  sha256?: string;
  /** The host found another hash and extracted nothing. */
  mismatch: boolean;
  /** Whether the binary is there after extracting; unset when extracting failed (or was not tried). */
  binary?: boolean;
  /** The host's hash of the extracted binary; unset when it is not there or hashing it failed. */
  binarySha256?: string;
}

export function parseStageLines(stdout: string): StagedArchive {
  const out: StagedArchive = { mismatch: false };
  for (const line of stdout.split(/\r?\n/)) Object.assign(out, stageLine(line));
  return out;
}

/** What else `stageArchive` printed on stdout: a failing tool's own words. */
export function otherStageLines(stdout: string): string {
  return stdout
    .split(/\r?\n/)
    .filter((line) => stageLine(line) === null)
    .join('\n');
}

/** One of `stageArchive`'s own lines, as the field it sets; null for anything else. */
function stageLine(line: string): Partial<StagedArchive> | null {
  const hash = /^sha256 (.*)$/.exec(line);
  if (hash) return { sha256: hash[1]!.trim() };
  const binaryHash = /^binary-sha256 (.*)$/.exec(line);
  if (binaryHash) return { binarySha256: binaryHash[1]!.trim() };
  const binary = /^binary (yes|no)\s*$/.exec(line);
  if (binary) return { binary: binary[1] === 'yes' };
  return line.trim() === 'mismatch' ? { mismatch: true } : null;
}

export interface StopReport {
  outcome: StopOutcome;
  pid: string;
  pidFile: string;
}

export function parseStopLines(stdout: string): StopReport[] {
  const out: StopReport[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = STOP_LINE.exec(line);
    if (m) out.push({ outcome: m[1] as StopOutcome, pid: m[2]!, pidFile: m[3]! });
  }
  return out;
}

/** Run ids become part of a path on the host: keep them to a safe alphabet. */
export function assertSafeRunId(runId: string): void {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(runId)) {
    throw new SmokeError(`run id ${JSON.stringify(runId)} must be 1-64 characters of A-Z a-z 0-9 . _ -`);
  }
}

/** What `runThenSweep` printed, in its two parts. */
export interface RunThenSweep {
  /** The command's own result; its stderr is the whole exec's, which the sweep does not write to. */
  run: ExecResult;
  /** The sweep's stdout (its lines, and what it said when it failed) and exit status. */
  sweep: { stdout: string; exitCode: number | null };
}

/**
 * Splits `runThenSweep`'s result at its marker line. Undefined without one: the command did not
 * end inside the exec (it could not start, or the exec was cut), and `result` is all the command's.
 */
export function splitRunThenSweep(result: ExecResult, marker: string): RunThenSweep | undefined {
  const head = `\n${marker} `;
  const at = result.stdout.lastIndexOf(head);
  const line = at < 0 ? null : /^(-?\d+)\r?\n/.exec(result.stdout.slice(at + head.length));
  if (!line) return undefined;
  const sweep = { stdout: result.stdout.slice(at + head.length + line[0].length), exitCode: result.exitCode };
  return { run: { ...result, stdout: result.stdout.slice(0, at), exitCode: Number(line[1]), signal: null }, sweep };
}
