import { extractInto } from './posix-extract.ts';
import { quotePosix } from './posix-quote.ts';
import { sweepMarkedScript, withRunMark } from './posix-sweep.ts';
import { assertSafeRunId, CLEAN_NOT_REMOVED, CLEAN_REFUSED, FOLLOW_TOO_LONG, FREE_PORT_CEILING, FREE_PORT_FLOOR, PID_DIR, RUN_MARKER, type Shell, type StartOptions } from './shell.ts';

const q = quotePosix;
const argvText = (argv: string[]): string => argv.map(q).join(' ');
const sudoPrefix = (sudo: boolean): string => (sudo ? 'sudo -n ' : '');
/** Runs a whole script as root when the host says so: `sudo -n sh -c '<script>'`. */
const asRoot = (script: string, sudo: boolean): string => (sudo ? `sudo -n sh -c ${q(script)}` : script);
const wholeSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
const tenths = (ms: number): number => Math.max(1, Math.ceil(ms / 100));

function baseDir(workdir: string | undefined): string {
  return workdir === undefined ? 'base="${TMPDIR:-/tmp}"' : `base=${q(workdir)}`;
}

/**
 * A group is alive while a process that is not a zombie carries its id: an orphan whose
 * reaper is slow must not count, and `kill -0` cannot tell zombies apart.
 */
const GROUP_ALIVE = [
  'group_alive() {',
  '  if table=$(ps -A -o pgid=,stat= 2>/dev/null); then',
  `    printf '%s\\n' "$table" | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'`,
  // A ps without -A/-o (busybox): kill -0 cannot tell zombies apart, but it is right otherwise.
  '  else kill -0 -"$1" 2>/dev/null; fi',
  '}',
].join('\n');

/** A pid file must hold a number above 1: `kill -TERM -1` would signal every process. */
const READ_PID = `read_pid() { pid=$(cat "$1" 2>/dev/null); case $pid in ''|*[!0-9]*) return 1;; esac; [ "$pid" -gt 1 ]; }`;

function stopFunction(graceMs: number): string {
  return [
    GROUP_ALIVE,
    READ_PID,
    'stop_group() {',
    '  f=$1',
    '  if ! read_pid "$f"; then printf \'stop no-pid - %s\\n\' "$f"; return; fi',
    '  if ! group_alive "$pid"; then printf \'stop not-running %s %s\\n\' "$pid" "$f"; return; fi',
    '  kill -TERM -"$pid" 2>/dev/null',
    `  i=0; while group_alive "$pid" && [ $i -lt ${tenths(graceMs)} ]; do sleep 0.1; i=$((i + 1)); done`,
    '  if ! group_alive "$pid"; then printf \'stop term %s %s\\n\' "$pid" "$f"; return; fi',
    '  kill -KILL -"$pid" 2>/dev/null',
    '  i=0; while group_alive "$pid" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done',
    '  if group_alive "$pid"; then printf \'stop survived %s %s\\n\' "$pid" "$f"; else printf \'stop kill %s %s\\n\' "$pid" "$f"; fi',
    '}',
  ].join('\n');
}

const stopCall = (pidFile: string): string => `stop_group ${q(pidFile)}`;

function withTimeout(argv: string[], cwd: string, timeoutMs: number, sudo: boolean, runMark: string | undefined): string {
  const s = wholeSeconds(timeoutMs);
  const run = `${sudoPrefix(sudo)}${withRunMark(runMark)}`;
  // GNU timeout where it exists (Linux); perl's alarm elsewhere (macOS ships perl, not timeout).
  // `exec { $ARGV[0] } @ARGV` never goes through a shell, whatever the arguments hold.
  return [
    `cd ${q(cwd)} || exit 125`,
    'if command -v timeout >/dev/null 2>&1; then',
    `  exec ${run}timeout -k 2 ${s} ${argvText(argv)}`,
    'else',
    `  exec ${run}perl -e 'alarm shift; exec { $ARGV[0] } @ARGV or die "cannot run $ARGV[0]: $!\\n"' ${s} ${argvText(argv)}`,
    'fi',
  ].join('\n');
}

/** Sets `f` to the file and `h` to its SHA-256; exits 127 when there is no tool to hash with. */
function hashFile(path: string): string[] {
  // Hash stdin, not the path: GNU sha256sum escapes odd file names with a leading backslash.
  // openssl first: it uses the CPU's SHA instructions, 3-5 times faster than coreutils'
  // sha256sum and far faster than macOS's shasum (perl), which is seconds on a 700 MiB archive.
  // Anything but 64 hex digits from it (an old or odd build) falls through to the others.
  return [
    `f=${q(path)}; h=`,
    'if command -v openssl >/dev/null 2>&1; then',
    '  h=$(openssl dgst -sha256 -r < "$f" 2>/dev/null) || h=; h=${h%% *}',
    '  case $h in *[!0-9a-f]*) h= ;; esac; [ ${#h} -eq 64 ] || h=',
    'fi',
    'if [ -n "$h" ]; then :',
    'elif command -v sha256sum >/dev/null 2>&1; then h=$(sha256sum < "$f") || exit 1',
    'elif command -v shasum >/dev/null 2>&1; then h=$(shasum -a 256 < "$f") || exit 1',
    "else echo 'none of openssl, sha256sum or shasum is installed' >&2; exit 127; fi",
    'h=${h%% *}',
  ];
}

/**
 * Removes a marked run directory: `removed` or `absent`; exits CLEAN_REFUSED or CLEAN_NOT_REMOVED
 * otherwise. It is renamed first: a rename is atomic, so of two cleaners of one directory (hosts
 * sharing a workdir) one removes it and the other finds it gone, instead of finding it half
 * removed and without its marker. A removal that fails halfway puts what is left back.
 */
function removeRun(runDir: string): string[] {
  return [
    `d=${q(runDir)}; d=\${d%/}`,
    `if [ -d "$d" ] && [ ! -L "$d" ] && [ -f "$d/${RUN_MARKER}" ]; then`,
    '  t="$d.removing.$$"',
    `  if ! err=$(mv -- "$d" "$t" 2>&1); then if [ -e "$d" ] || [ -L "$d" ]; then printf '%s\\n' "$err" >&2; exit ${CLEAN_NOT_REMOVED}; fi; echo absent; exit 0; fi`,
    `  if ! rm -rf -- "$t"; then mv -- "$t" "$d"; exit ${CLEAN_NOT_REMOVED}; fi`,
    '  echo removed',
    'elif [ ! -e "$d" ] && [ ! -L "$d" ]; then echo absent',
    `else printf 'refusing to remove %s: not a directory with a ${RUN_MARKER} marker\\n' "$d" >&2; exit ${CLEAN_REFUSED}; fi`,
  ];
}

// perl is on every Debian (perl-base) and macOS; python3 and node are fallbacks.
// The port is drawn at random below the host's ephemeral range (Linux: ip_local_port_range's
// start, when it leaves room above FREE_PORT_FLOOR). A port from bind(0) is an ephemeral one, and
// any outgoing connection could take it between this check and the daemon's own bind ("address
// already in use", seen under the test suite's load). Port 0 is the last resort.
const PORT_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
/** An ephemeral range starting lower than this leaves too few ports to draw from: ignore it. */
const ROOM = FREE_PORT_FLOOR + 1000;
const FREE_PORT = [
  'if command -v perl >/dev/null 2>&1; then',
  `  exec perl -MIO::Socket::INET -e 'my $lo = ${FREE_PORT_CEILING}; if (open my $f, "<", "${PORT_RANGE_FILE}") { my ($x) = split " ", scalar <$f>; $lo = $x if $x && $x > ${ROOM} }`,
  `    for my $p ((map { ${FREE_PORT_FLOOR} + int rand($lo - ${FREE_PORT_FLOOR}) } 1 .. 64), 0) { my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $p, Listen => 1) or next; print $s->sockport, "\\n"; exit 0 }`,
  `    die "no free port: $!\\n"'`,
  'elif command -v python3 >/dev/null 2>&1; then',
  `  exec python3 -c 'import random, socket`,
  `lo = ${FREE_PORT_CEILING}`,
  'try:',
  `    x = int(open("${PORT_RANGE_FILE}").read().split()[0])`,
  `    lo = x if x > ${ROOM} else lo`,
  'except Exception:',
  '    pass',
  `for p in [random.randrange(${FREE_PORT_FLOOR}, lo) for _ in range(64)] + [0]:`,
  '    s = socket.socket()',
  '    try:',
  '        s.bind(("127.0.0.1", p)); s.listen(1)',
  '    except OSError:',
  '        s.close(); continue',
  '    print(s.getsockname()[1]); break',
  `else:`,
  `    raise SystemExit("no free port")'`,
  'elif command -v node >/dev/null 2>&1; then',
  `  exec node -e 'let lo = ${FREE_PORT_CEILING}; try { const x = Number(require("fs").readFileSync("${PORT_RANGE_FILE}", "utf8").trim().split(/\\s+/)[0]); if (x > ${ROOM}) lo = x; } catch {}`,
  `    const ports = Array.from({ length: 64 }, () => ${FREE_PORT_FLOOR} + Math.floor(Math.random() * (lo - ${FREE_PORT_FLOOR}))).concat(0);`,
  `    (function next() { const s = require("net").createServer(); s.once("error", next); s.listen(ports.shift(), "127.0.0.1", () => { console.log(s.address().port); s.close(); }); })()'`,
  "else echo 'no perl, python3 or node to find a free port with' >&2; exit 127; fi",
].join('\n');

/** The lines of `Shell.startBackground`: it starts last, so a script may end with them. */
function startBackgroundScript({ argv, cwd, logFile, pidFile, sudo, runMark }: StartOptions): string[] {
  // The inner sh records its own pid, which is the new group's id, then becomes the command.
  const inner = `echo $$ > ${q(pidFile)}; exec ${argvText(argv)}`;
  const redirect = `> ${q(logFile)} 2>&1 < /dev/null &`;
  const run = `${sudoPrefix(sudo)}${withRunMark(runMark)}`;
  return [
    `cd ${q(cwd)} || exit 125`,
    `rm -f ${q(pidFile)}`,
    'if command -v setsid >/dev/null 2>&1; then',
    `  ${run}setsid sh -c ${q(inner)} ${redirect}`,
    'else',
    // macOS has no setsid(1): perl's setpgrp gives the same own process group.
    `  ${run}perl -e 'setpgrp(0, 0); exec { $ARGV[0] } @ARGV or die "cannot run sh: $!\\n"' sh -c ${q(inner)} ${redirect}`,
    'fi',
    'i=0',
    `while [ ! -s ${q(pidFile)} ]; do`,
    `  i=$((i + 1)); if [ $i -gt 100 ]; then echo 'the background command wrote no pid file within 10 s' >&2; exit 1; fi`,
    '  sleep 0.1',
    'done',
    `cat ${q(pidFile)}`,
  ];
}

/** `stop_group` for each pid file, then the sweep of the run's marked processes (whose `exit 0` ends the script). */
function stopThenSweep(stopCalls: string[], runDir: string, graceMs: number): string[] {
  return [stopFunction(graceMs), ...stopCalls, sweepMarkedScript({ runDir }, graceMs)];
}

/**
 * POSIX sh (dash, bash, zsh as a login shell; Linux and macOS). Scripts use only what both
 * GNU and BSD userlands have (`ps -A -o`, `tail -c +N`, `head -c`, `mktemp -d TEMPLATE`); where
 * a tool may be missing (`setsid`, `timeout`, `sha256sum`, `curl` on macOS) one command tries
 * the alternatives in order.
 */
export const posixShell: Shell = {
  kind: 'posix',
  graceful: true,
  // sshd's exit status is the command's on every POSIX host.
  readExit: (result) => result,
  quote: quotePosix,
  joinPath: (dir, ...names) => [dir.replace(/\/+$/, '') || '/', ...names].join('/').replace(/^\/\//, '/'),

  makeRunDir({ workdir, runId }) {
    assertSafeRunId(runId);
    return [
      baseDir(workdir),
      `d=$(mktemp -d "\${base%/}/smoke-${runId}-XXXXXX") || exit 1`,
      `mkdir "$d/${PID_DIR}" && printf '%s\\n' ${q(runId)} > "$d/${RUN_MARKER}" || exit 1`,
      `printf '%s\\n' "$d"`,
    ].join('\n');
  },

  makeDir: (path) => `mkdir -p -- ${q(path)}`,
  receiveFile: (path, mode) => `cat > ${q(path)} || exit 1\nchmod ${(mode & 0o777).toString(8).padStart(4, '0')} -- ${q(path)}`,

  stageArchive({ archive, expectedSha256, destination, format, binaryPath }) {
    return [
      ...hashFile(archive),
      `printf 'sha256 %s\\n' "$h"`,
      `if [ "$h" != ${q(expectedSha256.toLowerCase())} ]; then echo mismatch; exit 0; fi`,
      ...extractInto(archive, destination, format),
      `if [ ! -f ${q(binaryPath)} ]; then echo 'binary no'; exit 0; fi`,
      "echo 'binary yes'",
      ...hashFile(binaryPath),
      `printf 'binary-sha256 %s\\n' "$h"`,
    ].join('\n');
  },

  entitlements: (path) =>
    `command -v codesign >/dev/null 2>&1 || exit 127\ncodesign -d --entitlements - ${q(path)} 2>&1`,

  runWithTimeout: ({ argv, cwd, timeoutMs, sudo, runMark }) => withTimeout(argv, cwd, timeoutMs, sudo, runMark),
  runScriptWithTimeout: ({ script, cwd, timeoutMs, sudo, runMark }) => withTimeout(['sh', '-c', script], cwd, timeoutMs, sudo, runMark),
  runThenSweep: ({ run, graceMs, marker }) =>
    [
      // A subshell: withTimeout's `exec` and `exit` end only it.
      `(\n${withTimeout(run.argv, run.cwd, run.timeoutMs, run.sudo, run.runMark)}\n)`,
      `printf '\\n%s %s\\n' ${q(marker)} $?`,
      // What the sweep has to say follows the marker on stdout, apart from the command's stderr.
      'exec 2>&1',
      asRoot(sweepMarkedScript({ runDir: run.runMark }, graceMs), run.sudo),
    ].join('\n'),
  // 124: GNU timeout; 137: timeout's -k KILL after an ignored TERM; 142: perl's SIGALRM.
  timedOut: (code) => code === 124 || code === 137 || code === 142,

  startBackground: (options) => startBackgroundScript(options).join('\n'),

  followLog({ logFile, pidFile, offset, maxBytes, intervalMs, maxRunMs, marker }) {
    const max = Math.trunc(maxBytes);
    return [
      // One shell for the whole boot instead of an exec per read: an exec costs sshd a fork and
      // the host a new shell, four times a second while the daemon boots.
      `m=${q(marker)}; off=${Math.trunc(offset)}; naps=0`,
      'while :; do',
      // Builtins where they do: each process this starts (cat, ps, tr) costs a few ms of a CPU
      // the daemon is using.
      `  pid=; { read -r pid < ${q(pidFile)}; } 2>/dev/null; alive=0`,
      '  case $pid in ""|*[!0-9]*) ;; *)',
      // Linux: the state letter from /proc, after the last ") " (the name may hold either).
      '    if [ -r /proc/1/stat ]; then st=; { read -r st < "/proc/$pid/stat"; } 2>/dev/null; st=${st##*) }; case $st in ""|Z*|X*) ;; *) alive=1;; esac',
      // procps ps exits 1 for a pid that is gone; a ps without -o falls back to kill -0.
      '    elif s=$(ps -o stat= -p "$pid" 2>/dev/null); then case $s in Z*|"") ;; *) alive=1;; esac',
      '    elif ! ps -p 1 >/dev/null 2>&1 && kill -0 "$pid" 2>/dev/null; then alive=1; fi;;',
      '  esac',
      // BSD wc pads the count with spaces: word splitting drops them.
      `  set -- $(wc -c 2>/dev/null < ${q(logFile)}); size=\${1:-0}`,
      `  n=$((size - off)); [ $n -lt 0 ] && n=0; [ $n -gt ${max} ] && n=${max}`,
      `  if [ $n -gt 0 ]; then tail -c +$((off + 1)) ${q(logFile)} | head -c $n; fi`,
      '  off=$((off + n))',
      // A closed channel ends the loop here (SIGPIPE, or the failed write).
      `  printf '\\n%s %s %s\\n' "$m" "$alive" "$off" || exit 0`,
      `  [ $n -lt ${max} ] || continue`,
      '  [ $alive = 1 ] || exit 0',
      `  naps=$((naps + 1)); [ $naps -le ${Math.ceil(maxRunMs / intervalMs)} ] || exit ${FOLLOW_TOO_LONG}`,
      `  sleep ${intervalMs / 1000}`,
      'done',
    ].join('\n');
  },

  stopGroups({ pidFiles, graceMs, sudo }) {
    return asRoot([stopFunction(graceMs), ...pidFiles.map(stopCall), 'exit 0'].join('\n'), sudo);
  },

  stopAndSweep: ({ pidFiles, runDir, graceMs, sudo }) => asRoot(stopThenSweep(pidFiles.map(stopCall), runDir, graceMs).join('\n'), sudo),

  cleanRun({ runDir, graceMs, sudo, remove }) {
    // In the same exec: what a probe left when it could not sweep after itself (it errored). The
    // sweep ends with `exit`: a subshell keeps the removal after it.
    const stopAll = `for f in ${q(runDir)}/${PID_DIR}/*.pid; do [ -f "$f" ] && stop_group "$f"; done`;
    return asRoot(['(', ...stopThenSweep([stopAll], runDir, graceMs), ')', ...(remove ? removeRun(runDir) : []), 'exit 0'].join('\n'), sudo);
  },

  sweepMarked: ({ scope, graceMs, sudo }) => asRoot(sweepMarkedScript(scope, graceMs), sudo),

  listRuns({ workdir }) {
    return [
      GROUP_ALIVE,
      READ_PID,
      baseDir(workdir),
      'for d in "${base%/}"/smoke-*; do',
      `  [ -d "$d" ] && [ ! -L "$d" ] && [ -f "$d/${RUN_MARKER}" ] || continue`,
      `  printf 'run %s\\n' "$d"`,
      `  for f in "$d"/${PID_DIR}/*.pid; do`,
      '    read_pid "$f" || continue',
      '    if group_alive "$pid"; then alive=1; else alive=0; fi',
      `    printf 'pid %s %s\\n' "$pid" "$alive"`,
      '  done',
      'done',
      'exit 0',
    ].join('\n');
  },

  hostFacts({ workdir, program }) {
    return [
      `printf 'os %s\\n' "$(uname -s)"`,
      `printf 'arch %s\\n' "$(uname -m)"`,
      baseDir(workdir),
      // makeRunDir runs as the login user (never through sudo), so that user must be able to write here.
      `if [ ! -d "$base" ]; then echo 'workdir missing'; elif [ ! -w "$base" ]; then echo 'workdir read-only'; else echo 'workdir ok'; fi`,
      // The field before the `NN%` capacity is the free KiB, whatever spaces the device or mount point names hold.
      `df -Pk -- "$base" 2>/dev/null | awk 'NR > 1 { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+%$/) { print "freeKiB " $(i - 1); exit } }'`,
      ...(program === undefined
        ? []
        : [`if command -v ${q(program)} >/dev/null 2>&1; then echo 'program yes'; else echo 'program no'; fi`]),
      'exit 0',
    ].join('\n');
  },

  sudoWorks: () => 'sudo -n true',

  makeDataDirAndStart({ dataDir, port, config, start }) {
    return [
      `mkdir -p -- ${q(dataDir)} || exit 1`,
      // FREE_PORT execs its tool: in a command substitution that ends only the subshell.
      port === 0 ? `port=$(\n${FREE_PORT}\n) || exit` : `port=${Math.trunc(port)}`,
      `printf 'port %s\\n' "$port"`,
      `printf '%s%s%s' ${q(config.before)} "$port" ${q(config.after)} > ${q(config.path)} || exit 1`,
      ...startBackgroundScript(start),
    ].join('\n');
  },

  healthz({ port, timeoutMs }) {
    const url = `http://127.0.0.1:${Math.trunc(port)}/healthz`;
    const s = wholeSeconds(timeoutMs);
    return [
      `u=${q(url)}`,
      `if command -v curl >/dev/null 2>&1; then exec curl -fsS --max-time ${s} "$u"`,
      `elif command -v wget >/dev/null 2>&1; then exec wget -q -O - -T ${s} "$u"`,
      "else echo 'neither curl nor wget is installed' >&2; exit 127; fi",
    ].join('\n');
  },
};
