import { SmokeError } from '../domain/errors.ts';
import type { ExecResult } from '../domain/exec-result.ts';
import { FAMILY_FUNCTIONS, sweepFamiliesScript } from './powershell-family.ts';
import { assertSafeRunId, CLEAN_NOT_REMOVED, CLEAN_REFUSED, FOLLOW_TOO_LONG, FREE_PORT_CEILING, FREE_PORT_FLOOR, PID_DIR, RUN_MARKER, type Shell, type StartOptions, type SweepScope } from './shell.ts';
import { windowsCommandLine } from './windows-command-line.ts';

/**
 * Windows PowerShell 5.1 behind Win32-OpenSSH. The SSH exec runs in the configured default
 * shell, cmd unless changed, so every command travels as `powershell -EncodedCommand <base64 of
 * UTF-16LE>`: nothing in it is ever parsed by cmd. Scripts use .NET file APIs instead of
 * cmdlets' `-Path`, which would treat `[` and `*` in a name as wildcards.
 */
export function quotePowerShell(arg: string): string {
  if (arg.includes('\0')) throw new SmokeError(`cannot pass ${JSON.stringify(arg)} to a shell: it holds a NUL byte`);
  // PowerShell also ends a single-quoted string at the typographic quotes U+2018-U+201B.
  return `'${arg.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}

const q = quotePowerShell;
const PRELUDE = "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'";

/**
 * Every command's last stdout line is `EXIT_LINE <code>`: some Win32-OpenSSH versions answer
 * exit status 0 or 1 whatever the command did (PowerShell/Win32-OpenSSH #421, #1933), so the
 * code travels in-band too, and `readInBandExit` takes it from there. Scripts end through
 * `Exit-Smoke`, never a bare `exit`.
 */
export const EXIT_LINE = '#smoke-exit';
const EXIT_FUNCTION = `function Exit-Smoke([int]$Code) { [Console]::Out.Write("\`n${EXIT_LINE} $Code\`n"); [Console]::Out.Flush(); exit $Code }`;

/** The error's message, or its type where it has none (Expand-Archive's FileFormatException). */
const WRITE_ERROR = '$m = $_.Exception.Message; if (-not $m) { $m = $_.Exception.GetType().FullName }; [Console]::Error.WriteLine($m)';

/** The program and arguments that run `script`, whatever the SSH server's shell is. */
export function powerShellArgv(script: string): string[] {
  const body = `${PRELUDE}\n${EXIT_FUNCTION}\ntry {\n${script}\n} catch { ${WRITE_ERROR}; Exit-Smoke 1 }\nExit-Smoke 0`;
  return encodedArgv(body);
}

/** A script that reports its exit status only the usual way: one run inside another command. */
function innerPowerShellArgv(script: string): string[] {
  return encodedArgv(`${PRELUDE}\ntry {\n${script}\n} catch { ${WRITE_ERROR}; exit 1 }`);
}

function encodedArgv(body: string): string[] {
  return ['powershell', '-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(body, 'utf16le').toString('base64')];
}

const EXIT_LINE_AT_END = new RegExp(`\\n${EXIT_LINE} (-?\\d+)\\r?\\n$`);

/**
 * The exit code a PowerShell command reported in-band, which wins over the SSH exit status when
 * the two disagree; the line is taken off stdout. A command that did not get to report it (no
 * PowerShell, a parse error, killed) keeps the SSH status.
 */
export function readInBandExit(result: ExecResult): ExecResult {
  const m = EXIT_LINE_AT_END.exec(result.stdout);
  if (!m) return result;
  return { ...result, exitCode: Number(m[1]), signal: null, stdout: result.stdout.slice(0, m.index) };
}

/** The script as it travels: base64 needs no quoting in cmd or in PowerShell. */
export function encodePowerShell(script: string): string {
  return powerShellArgv(script).join(' ');
}

/** The script inside an encoded command, for golden files and for reading a log. */
export function decodePowerShell(command: string): string {
  const m = /-EncodedCommand ([A-Za-z0-9+/=]+)$/.exec(command);
  if (!m) throw new SmokeError('not an encoded PowerShell command');
  return Buffer.from(m[1]!, 'base64').toString('utf16le');
}

/**
 * Joins with the separator `dir` already uses: Windows takes both, and a host whose paths are
 * `/`-rooted (PowerShell on Linux, the sandbox's PowerShell host) takes only `/`.
 */
function joinPath(dir: string, ...names: string[]): string {
  const separator = dir.includes('\\') || !dir.includes('/') ? '\\' : '/';
  return [dir.replace(/[\\/]+$/, ''), ...names].join(separator);
}

function baseDir(workdir: string | undefined): string {
  return workdir === undefined ? '$base = [System.IO.Path]::GetTempPath()' : `$base = ${q(workdir)}`;
}

/**
 * taskkill /T /F on a process tree. Its complaints (a child that ended meanwhile) go to stderr,
 * which Windows PowerShell 5.1 turns into a terminating error under `$ErrorActionPreference =
 * 'Stop'` once redirected (PowerShell 7 no longer does): here the preference is `Continue`.
 */
const KILL_TREE = "function Stop-Tree($id) { $ErrorActionPreference = 'Continue'; $null = & taskkill.exe /T /F /PID $id 2>&1 }";

/**
 * Runs a program with a timeout, passes its output on and leaves its exit code in `$code`; on
 * timeout the whole tree is killed and the code is 124. The caller decides how the script ends.
 */
function withTimeout(argv: string[], cwd: string, timeoutMs: number): string {
  const [file, ...args] = argv;
  if (file === undefined) throw new SmokeError('no command to run');
  return [
    '$psi = New-Object System.Diagnostics.ProcessStartInfo',
    `$psi.FileName = ${q(file)}`,
    `$psi.Arguments = ${q(windowsCommandLine(args))}`,
    `$psi.WorkingDirectory = ${q(cwd)}`,
    '$psi.UseShellExecute = $false',
    '$psi.RedirectStandardOutput = $true',
    '$psi.RedirectStandardError = $true',
    '$p = [System.Diagnostics.Process]::Start($psi)',
    '$out = $p.StandardOutput.ReadToEndAsync()',
    '$err = $p.StandardError.ReadToEndAsync()',
    `if (-not $p.WaitForExit(${Math.trunc(timeoutMs)})) {`,
    `  ${KILL_TREE}`,
    '  Stop-Tree $p.Id',
    '  $null = $p.WaitForExit(5000)',
    '  $code = 124',
    '} else {',
    '  $p.WaitForExit()',
    '  $code = $p.ExitCode',
    '}',
    '[Console]::Out.Write($out.Result); [Console]::Error.Write($err.Result)',
  ].join('\n');
}

/** Reads a pid file; leaves `$id` set and answers whether it holds a usable process id. */
const READ_PID = [
  'function Read-Pid($f) {',
  '  $script:id = 0',
  '  if (-not [System.IO.File]::Exists($f)) { return $false }',
  '  return ([int]::TryParse([System.IO.File]::ReadAllText($f).Trim(), [ref]$script:id) -and $script:id -gt 4)',
  '}',
  'function Get-Tree($id) {',
  '  @(Get-Process -Id $id -ErrorAction SilentlyContinue) + @(Get-CimInstance Win32_Process -Filter "ParentProcessId=$id" -ErrorAction SilentlyContinue | ForEach-Object { Get-Process -Id $_.ProcessId -ErrorAction SilentlyContinue })',
  '}',
].join('\n');

/**
 * `Save-FamilySafely <pid file>` records the daemon's family (powershell-family.ts). A failure
 * to record is said on stderr and does not stop what the script is for (starting, following,
 * stopping the daemon).
 */
const RECORD_FAMILY = [
  FAMILY_FUNCTIONS,
  "function Save-FamilySafely($f) { try { Save-Family $f } catch { [Console]::Error.WriteLine('could not record the processes of ' + $f + ': ' + $_.Exception.Message) } }",
].join('\n');

/** The `.tree` files of the runs in `scope` (see powershell-family.ts), as a PowerShell expression's lines. */
function treeFiles(scope: SweepScope): string {
  const dirs =
    'runDir' in scope
      ? `$dirs = @(${q(scope.runDir)})`
      : [
          baseDir(scope.workdir),
          '$dirs = @()',
          `if ([System.IO.Directory]::Exists($base)) { $dirs = @([System.IO.Directory]::GetDirectories($base, 'smoke-*') | Where-Object { [System.IO.File]::Exists([System.IO.Path]::Combine($_, '${RUN_MARKER}')) }) }`,
        ].join('\n');
  return [
    dirs,
    `$treeFiles = @(foreach ($d in $dirs) { $p = [System.IO.Path]::Combine($d, '${PID_DIR}'); if ([System.IO.Directory]::Exists($p)) { [System.IO.Directory]::GetFiles($p, '*.tree') } })`,
  ].join('\n');
}

function sweepScript(scope: SweepScope): string {
  return [treeFiles(scope), sweepFamiliesScript('$treeFiles')].join('\n');
}

/** `Shell.sweepMarked`'s script with the functions it needs (STOP_FUNCTION has them already). */
function sweepMarkedScript(scope: SweepScope): string {
  return [READ_PID, KILL_TREE, FAMILY_FUNCTIONS, sweepScript(scope)].join('\n');
}

/** Windows has no SIGTERM for a console process: taskkill /T /F is the only stop, so outcomes are `kill`. */
const STOP_FUNCTION = [
  READ_PID,
  KILL_TREE,
  RECORD_FAMILY,
  'function Stop-Recorded($f) {',
  '  if (-not (Read-Pid $f)) { [Console]::Out.WriteLine("stop no-pid - $f"); return }',
  // What runs now joins the record: a child whose parent dies in the stop is still found by the sweep.
  '  Save-FamilySafely $f',
  '  $kids = @(Get-CimInstance Win32_Process -Filter "ParentProcessId=$id" -ErrorAction SilentlyContinue)',
  '  if (@(Get-Tree $id).Count -eq 0) { [Console]::Out.WriteLine("stop not-running $id $f"); return }',
  '  Stop-Tree $id',
  // taskkill /T cannot walk from a parent that already exited: kill its orphans by name.
  '  foreach ($k in $kids) { Stop-Tree $k.ProcessId }',
  '  $deadline = [DateTime]::UtcNow.AddSeconds(5)',
  '  while (@(Get-Tree $id).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }',
  '  if (@(Get-Tree $id).Count -gt 0) { [Console]::Out.WriteLine("stop survived $id $f") } else { [Console]::Out.WriteLine("stop kill $id $f") }',
  '}',
].join('\n');

/** The script of `Shell.startBackground`: it starts last, so a script may end with it. */
function startBackgroundScript({ argv, cwd, logFile, pidFile }: StartOptions): string {
  const [file, ...args] = argv;
  if (file === undefined) throw new SmokeError('no command to start');
  // Start-Process needs two files; the log the probe follows is stderr, where slog writes.
  const argumentList = args.length > 0 ? ` -ArgumentList ${q(windowsCommandLine(args))}` : '';
  return [
    `$p = Start-Process -FilePath ${q(file)}${argumentList} -WorkingDirectory ${q(cwd)} -RedirectStandardError ${q(logFile)} -RedirectStandardOutput ${q(`${logFile}.stdout`)} -NoNewWindow -PassThru`,
    `[System.IO.File]::WriteAllText(${q(pidFile)}, [string]$p.Id)`,
    // The daemon itself on record with its creation time: its children are known by it even after it died.
    READ_PID,
    RECORD_FAMILY,
    `Save-FamilySafely ${q(pidFile)}`,
    '[Console]::Out.WriteLine($p.Id)',
  ].join('\n');
}

/**
 * `$port` set to a port free on loopback, or a throw `no free port`. Below Windows' dynamic range
 * (49152 and up), as on POSIX hosts; port 0 last. A port Hyper-V reserved fails to bind and the
 * next is tried.
 */
const FREE_PORT = [
  '$r = New-Object System.Random; $port = 0',
  `foreach ($c in @((1..64 | ForEach-Object { $r.Next(${FREE_PORT_FLOOR}, ${FREE_PORT_CEILING}) }) + 0)) {`,
  '  try { $l = New-Object System.Net.Sockets.TcpListener([System.Net.IPAddress]::Loopback, $c); $l.Start() } catch { continue }',
  '  $port = $l.LocalEndpoint.Port; $l.Stop(); break',
  '}',
  "if ($port -eq 0) { throw 'no free port' }",
].join('\n');

/** Stops each pid file's tree (`Stop-Recorded`), then sweeps the run's recorded families. */
function stopThenSweep(stopCalls: string[], runDir: string): string {
  return [STOP_FUNCTION, ...stopCalls, sweepScript({ runDir })].join('\n');
}

const stopCall = (pidFile: string): string => `Stop-Recorded ${q(pidFile)}`;

const script = {
  makeRunDir(workdir: string | undefined, runId: string): string {
    assertSafeRunId(runId);
    return [
      baseDir(workdir),
      `$d = [System.IO.Path]::Combine($base, 'smoke-${runId}-' + [System.IO.Path]::GetRandomFileName().Replace('.', ''))`,
      '$null = [System.IO.Directory]::CreateDirectory($d)',
      `$null = [System.IO.Directory]::CreateDirectory([System.IO.Path]::Combine($d, '${PID_DIR}'))`,
      `[System.IO.File]::WriteAllText([System.IO.Path]::Combine($d, '${RUN_MARKER}'), ${q(runId)})`,
      '[Console]::Out.WriteLine($d)',
    ].join('\n');
  },
  followLog(o: { logFile: string; pidFile: string; offset: number; maxBytes: number; intervalMs: number; maxRunMs: number; marker: string }): string {
    const max = Math.trunc(o.maxBytes);
    return [
      // One PowerShell for the whole boot: starting one per read costs more than the read.
      READ_PID,
      RECORD_FAMILY,
      `$m = ${q(o.marker)}; $off = [long]${Math.trunc(o.offset)}; $naps = 0`,
      '$so = [Console]::OpenStandardOutput()',
      'while ($true) {',
      '  $alive = 0',
      `  if (Read-Pid ${q(o.pidFile)}) { if (Get-Process -Id $id -ErrorAction SilentlyContinue) { $alive = 1 } }`,
      '  $read = 0; $bytes = New-Object byte[] 0',
      `  if ([System.IO.File]::Exists(${q(o.logFile)})) {`,
      // Share the file with the process still writing it.
      `    $fs = [System.IO.File]::Open(${q(o.logFile)}, 'Open', 'Read', 'ReadWrite')`,
      '    try {',
      `      $n = [int][Math]::Max(0, [Math]::Min(${max}, $fs.Length - $off))`,
      '      $bytes = New-Object byte[] $n',
      '      if ($n -gt 0) { $null = $fs.Seek($off, 0) }',
      '      while ($read -lt $n) { $r = $fs.Read($bytes, $read, $n - $read); if ($r -le 0) { break }; $read += $r }',
      '    } finally { $fs.Dispose() }',
      '  }',
      '  $off += $read',
      // The family is recorded before the frame goes out: whatever the daemon had started when it
      // wrote these lines is on record once the probe reads them. After each read that was not
      // full (a daemon starting something usually says so), and every tenth quiet one.
      `  if (($read -gt 0 -and $read -lt ${max}) -or ($naps % 10 -eq 9)) { Save-FamilySafely ${q(o.pidFile)} }`,
      // A closed channel ends the loop here: the write throws.
      '  $t = [System.Text.Encoding]::ASCII.GetBytes("`n$m $alive $off`n")',
      '  $so.Write($bytes, 0, $read); $so.Write($t, 0, $t.Length); $so.Flush()',
      `  if ($read -ge ${max}) { continue }`,
      '  if ($alive -eq 0) { Exit-Smoke 0 }',
      `  $naps++; if ($naps -gt ${Math.ceil(o.maxRunMs / o.intervalMs)}) { Exit-Smoke ${FOLLOW_TOO_LONG} }`,
      `  Start-Sleep -Milliseconds ${Math.trunc(o.intervalMs)}`,
      '}',
    ].join('\n');
  },
  stageArchive(archive: string, expectedSha256: string, destination: string, binaryPath: string): string {
    return [
      `$f = ${q(archive)}`,
      '$h = (Get-FileHash -LiteralPath $f -Algorithm SHA256).Hash.ToLowerInvariant()',
      "[Console]::Out.WriteLine('sha256 ' + $h)",
      `if ($h -ne ${q(expectedSha256.toLowerCase())}) { [Console]::Out.WriteLine('mismatch'); Exit-Smoke 0 }`,
      // tar.exe (bsdtar, Windows 10 1803+) reads zip and tar.gz; Expand-Archive is the fallback for zip.
      `$null = [System.IO.Directory]::CreateDirectory(${q(destination)})`,
      '$tar = Get-Command tar.exe -ErrorAction SilentlyContinue; $done = $false',
      // Continue, not Stop: Windows PowerShell 5.1 would make a warning tar prints a terminating error.
      `if ($tar) { & { $ErrorActionPreference = 'Continue'; & $tar.Source -xf $f -C ${q(destination)} }; $done = ($LASTEXITCODE -eq 0) }`,
      // Expand-Archive reads -DestinationPath as a wildcard (Test-Path -Path inside): escape it.
      `if (-not $done) { $null = Expand-Archive -LiteralPath $f -DestinationPath ([Management.Automation.WildcardPattern]::Escape(${q(destination)})) -Force }`,
      `if (-not [System.IO.File]::Exists(${q(binaryPath)})) { [Console]::Out.WriteLine('binary no'); Exit-Smoke 0 }`,
      "[Console]::Out.WriteLine('binary yes')",
      `[Console]::Out.WriteLine('binary-sha256 ' + (Get-FileHash -LiteralPath ${q(binaryPath)} -Algorithm SHA256).Hash.ToLowerInvariant())`,
      'Exit-Smoke 0',
    ].join('\n');
  },
  /** Removes a marked run directory: `removed` or `absent`; exits CLEAN_REFUSED or CLEAN_NOT_REMOVED otherwise. */
  removeRun(runDir: string): string {
    return [
      `$d = ${q(runDir)}`,
      `if (-not [System.IO.Directory]::Exists($d)) { if ([System.IO.File]::Exists($d)) { [Console]::Error.WriteLine('refusing to remove ' + $d + ': not a directory'); Exit-Smoke ${CLEAN_REFUSED} }; [Console]::Out.WriteLine('absent'); Exit-Smoke 0 }`,
      `$marker = [System.IO.Path]::Combine($d, '${RUN_MARKER}')`,
      "if (([System.IO.File]::GetAttributes($d) -band [System.IO.FileAttributes]::ReparsePoint) -or -not [System.IO.File]::Exists($marker)) {",
      `  [Console]::Error.WriteLine('refusing to remove ' + $d + ': not a directory with a ${RUN_MARKER} marker'); Exit-Smoke ${CLEAN_REFUSED}`,
      '}',
      // Renamed first, as on POSIX: of two cleaners of one directory only one removes it.
      "$t = $d.TrimEnd('\\') + '.removing.' + $PID",
      `try { [System.IO.Directory]::Move($d, $t) } catch { if (-not [System.IO.Directory]::Exists($d)) { [Console]::Out.WriteLine('absent'); Exit-Smoke 0 }; [Console]::Error.WriteLine($_.Exception.Message); Exit-Smoke ${CLEAN_NOT_REMOVED} }`,
      `try { [System.IO.Directory]::Delete($t, $true) } catch { [Console]::Error.WriteLine($_.Exception.Message); try { [System.IO.Directory]::Move($t, $d) } catch { [Console]::Error.WriteLine('could not put ' + $t + ' back: ' + $_.Exception.Message) }; Exit-Smoke ${CLEAN_NOT_REMOVED} }`,
      "[Console]::Out.WriteLine('removed')",
    ].join('\n');
  },
  hostFacts(workdir: string | undefined, program: string | undefined): string {
    return [
      // Windows_NT on every Windows (Win32NT from .NET, when the variable is missing).
      "$os = $env:OS; if (-not $os) { $os = [Environment]::OSVersion.Platform }",
      "[Console]::Out.WriteLine('os ' + $os)",
      // A 32-bit PowerShell on a 64-bit Windows sees x86 here; the real one is in ARCHITEW6432.
      '$arch = $env:PROCESSOR_ARCHITEW6432; if (-not $arch) { $arch = $env:PROCESSOR_ARCHITECTURE }',
      "[Console]::Out.WriteLine('arch ' + $arch)",
      baseDir(workdir),
      'if ([System.IO.Directory]::Exists($base)) {',
      "  [Console]::Out.WriteLine('workdir ok')",
      // The drive's free space (what Get-PSDrive shows), read through .NET so no path is a wildcard.
      '  try {',
      '    $drive = New-Object System.IO.DriveInfo([System.IO.Path]::GetPathRoot([System.IO.Path]::GetFullPath($base)))',
      "    [Console]::Out.WriteLine('freeKiB ' + [long][Math]::Floor($drive.AvailableFreeSpace / 1024))",
      '  } catch { [Console]::Error.WriteLine(\'free space unknown: \' + $_.Exception.Message) }',
      "} else { [Console]::Out.WriteLine('workdir missing') }",
      ...(program === undefined
        ? []
        : [
            // Get-Command has no -LiteralPath: escape the wildcards a name or path may hold.
            `$p = ${q(program)}`,
            "if ([System.IO.File]::Exists($p) -or (Get-Command -Name ([Management.Automation.WildcardPattern]::Escape($p)) -ErrorAction SilentlyContinue)) { [Console]::Out.WriteLine('program yes') } else { [Console]::Out.WriteLine('program no') }",
          ]),
      'Exit-Smoke 0',
    ].join('\n');
  },
  listRuns(workdir: string | undefined): string {
    return [
      READ_PID,
      baseDir(workdir),
      "foreach ($dir in [System.IO.Directory]::GetDirectories($base, 'smoke-*')) {",
      `  if (-not [System.IO.File]::Exists([System.IO.Path]::Combine($dir, '${RUN_MARKER}'))) { continue }`,
      '  [Console]::Out.WriteLine("run $dir")',
      `  $pids = [System.IO.Path]::Combine($dir, '${PID_DIR}')`,
      '  if (-not [System.IO.Directory]::Exists($pids)) { continue }',
      "  foreach ($f in [System.IO.Directory]::GetFiles($pids, '*.pid')) {",
      '    if (-not (Read-Pid $f)) { continue }',
      '    $alive = 0; if (@(Get-Tree $id).Count -gt 0) { $alive = 1 }',
      '    [Console]::Out.WriteLine("pid $id $alive")',
      '  }',
      '}',
      'Exit-Smoke 0',
    ].join('\n');
  },
};

export const powerShell: Shell = {
  kind: 'powershell',
  graceful: false,
  quote: quotePowerShell,
  readExit: readInBandExit,
  joinPath,

  makeRunDir: ({ workdir, runId }) => encodePowerShell(script.makeRunDir(workdir, runId)),
  makeDir: (path) => encodePowerShell(`$null = [System.IO.Directory]::CreateDirectory(${q(path)})`),
  // PowerShell 5.1 reads stdin as text: an archive would be re-encoded.
  receiveFile: () => null,
  stageArchive: ({ archive, expectedSha256, destination, binaryPath }) =>
    encodePowerShell(script.stageArchive(archive, expectedSha256, destination, binaryPath)),
  entitlements: () => encodePowerShell("[Console]::Error.WriteLine('codesign exists only on macOS'); Exit-Smoke 127"),

  runWithTimeout: ({ argv, cwd, timeoutMs }) => encodePowerShell(`${withTimeout(argv, cwd, timeoutMs)}\nExit-Smoke $code`),
  runScriptWithTimeout: ({ script: text, cwd, timeoutMs }) => {
    const inner = innerPowerShellArgv(`Set-Location -LiteralPath ${q(cwd)}\n${text}\nexit $LASTEXITCODE`);
    return encodePowerShell(`${withTimeout(inner, cwd, timeoutMs)}\nExit-Smoke $code`);
  },
  runThenSweep: ({ run, marker }) =>
    encodePowerShell(
      [
        withTimeout(run.argv, run.cwd, run.timeoutMs),
        `[Console]::Out.Write("\`n" + ${q(marker)} + " $code\`n")`,
        // What the sweep has to say follows the marker on stdout, apart from the command's stderr.
        '[Console]::SetError([Console]::Out)',
        sweepMarkedScript({ runDir: run.runMark }),
        'Exit-Smoke 0',
      ].join('\n'),
    ),
  timedOut: (code) => code === 124,

  startBackground: (options) => encodePowerShell(startBackgroundScript(options)),
  followLog: (options) => encodePowerShell(script.followLog(options)),
  stopGroups: ({ pidFiles }) => encodePowerShell([STOP_FUNCTION, ...pidFiles.map(stopCall), 'Exit-Smoke 0'].join('\n')),
  stopAndSweep: ({ pidFiles, runDir }) => encodePowerShell(`${stopThenSweep(pidFiles.map(stopCall), runDir)}\nExit-Smoke 0`),
  cleanRun: ({ runDir, remove }) => {
    const stopAll = [
      `$pids = [System.IO.Path]::Combine(${q(runDir)}, '${PID_DIR}')`,
      "if ([System.IO.Directory]::Exists($pids)) { foreach ($f in [System.IO.Directory]::GetFiles($pids, '*.pid')) { Stop-Recorded $f } }",
    ].join('\n');
    // In the same exec: what a probe left when it could not sweep after itself (it errored).
    return encodePowerShell([stopThenSweep([stopAll], runDir), ...(remove ? [script.removeRun(runDir)] : []), 'Exit-Smoke 0'].join('\n'));
  },
  // Windows cannot read another process's environment from PowerShell: a run's processes are
  // found by the family recorded while the run went (powershell-family.ts), not by a mark.
  sweepMarked: ({ scope }) => encodePowerShell(`${sweepMarkedScript(scope)}\nExit-Smoke 0`),
  listRuns: ({ workdir }) => encodePowerShell(script.listRuns(workdir)),

  hostFacts: ({ workdir, program }) => encodePowerShell(script.hostFacts(workdir, program)),
  sudoWorks: () => encodePowerShell("[Console]::Error.WriteLine('Windows has no sudo: log in as an Administrator'); Exit-Smoke 127"),

  makeDataDirAndStart: ({ dataDir, port, config, start }) =>
    encodePowerShell(
      [
        `$null = [System.IO.Directory]::CreateDirectory(${q(dataDir)})`,
        port === 0 ? FREE_PORT : `$port = ${Math.trunc(port)}`,
        '[Console]::Out.WriteLine("port $port")',
        `[System.IO.File]::WriteAllText(${q(config.path)}, ${q(config.before)} + $port + ${q(config.after)})`,
        startBackgroundScript(start),
      ].join('\n'),
    ),
  healthz: ({ port, timeoutMs }) =>
    encodePowerShell(
      [
        `$r = Invoke-WebRequest -UseBasicParsing -TimeoutSec ${Math.max(1, Math.ceil(timeoutMs / 1000))} -Uri 'http://127.0.0.1:${Math.trunc(port)}/healthz'`,
        // Content is a string only for a text content type (which one counts as text differs
        // between PowerShell versions), bytes otherwise: decode the raw body.
        '[Console]::Out.Write([System.Text.Encoding]::UTF8.GetString($r.RawContentStream.ToArray()))',
      ].join('\n'),
    ),
};
