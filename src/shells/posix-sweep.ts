import { SmokeError } from '../domain/errors.ts';
import { quotePosix as q } from './posix-quote.ts';
import { RUN_MARK_VARIABLE, type SweepScope } from './shell.ts';

/** How the processes carrying a mark are found: Linux's /proc, or `ps` showing environments (macOS). */
export type MarkSearch = 'proc' | 'ps';

/** `env <mark> ` to put before a command (after `sudo -n`, which resets the environment), or nothing. */
export function withRunMark(runMark: string | undefined): string {
  if (runMark === undefined) return '';
  return `env ${q(`${RUN_MARK_VARIABLE}=${oneLine(runMark)}`)} `;
}

function oneLine(value: string): string {
  if (/[\n\r\0]/.test(value)) throw new SmokeError(`cannot mark a run by ${JSON.stringify(value)}: it holds a line break`);
  return value;
}

/**
 * Sets `want` to the environment entry searched for and `exact` to 1 when it must be the whole
 * entry (one run) or 0 when it is a prefix (every run under a workdir). The variable's name is
 * joined at run time: on macOS `ps` shows this script's own text, which must not match.
 */
function wanted(scope: SweepScope): string[] {
  const name = `k=${RUN_MARK_VARIABLE}`;
  if ('runDir' in scope) return [name, `v=${q(oneLine(scope.runDir))}`, 'want="$k=$v"; exact=1'];
  const base = scope.workdir === undefined ? 'base="${TMPDIR:-/tmp}"' : `base=${q(oneLine(scope.workdir))}`;
  return [name, base, 'want="$k=${base%/}/smoke-"; exact=0'];
}

/**
 * `marked` prints the pids whose environment holds `want`. Linux: GNU and busybox grep read
 * /proc/<pid>/environ as NUL-separated entries (`-z`). Elsewhere `ps -E` (macOS; procps spells it
 * `e`) prints each command followed by its environment, entries separated by spaces.
 */
function markedFunction(search: MarkSearch | 'auto'): string[] {
  const proc = [
    '    if [ $exact = 1 ]; then set -- -x; else set --; fi',
    '    grep -lzF "$@" -e "$want" /proc/[0-9]*/environ 2>/dev/null | while IFS=/ read -r _ _ p _; do echo "$p"; done',
  ];
  const ps = [
    '    t=$(ps -A -ww -E -o pid=,command= 2>/dev/null) || t=$(ps axwwe -o pid=,command= 2>/dev/null) || return 0',
    // Through the environment, not `awk -v`, which would read backslashes in a path as escapes.
    `    printf '%s\\n' "$t" | W=" $want" X=$exact ME=$$ awk '$1 != ENVIRON["ME"] && (ENVIRON["X"] == 1 ? index($0 " ", ENVIRON["W"] " ") : index($0, ENVIRON["W"])) { print $1 }'`,
  ];
  const body = search === 'proc' ? proc : search === 'ps' ? ps : ['  if [ -r /proc/self/environ ]; then', ...proc, '  else', ...ps, '  fi'];
  return ['marked() {', ...body, '}'];
}

/** Running and not a zombie (a leftover reparented to an init that reaps slowly must not count). */
const ALIVE = [
  'alive() {',
  '  if [ -r /proc/self/stat ]; then',
  '    st=; { read -r st < "/proc/$1/stat"; } 2>/dev/null; st=${st##*) }',
  '    case $st in ""|Z*|X*) return 1;; esac; return 0',
  '  fi',
  '  s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1',
  '  case $s in ""|Z*) return 1;; esac',
  '}',
];

/**
 * The script behind `Shell.sweepMarked` for POSIX hosts: looks for marked processes, SIGTERM
 * first, SIGKILL after `graceMs`, and looks again (a leftover may start another meanwhile) up to
 * four times. `search` is for tests: a Linux machine can exercise the `ps` way too.
 */
export function sweepMarkedScript(scope: SweepScope, graceMs: number, search: MarkSearch | 'auto' = 'auto'): string {
  const graceTenths = Math.max(1, Math.ceil(graceMs / 100));
  return [
    ...wanted(scope),
    ...markedFunction(search),
    ...ALIVE,
    'seen=; round=0',
    'while pids=$(marked); [ -n "$pids" ]; do',
    '  round=$((round + 1))',
    '  for p in $pids; do',
    '    case " $seen " in *" $p "*) continue;; esac',
    '    seen="$seen $p"',
    `    printf 'swept %s %s\\n' "$p" "$(ps -o args= -p "$p" 2>/dev/null | head -n 1 | cut -c 1-200)"`,
    '  done',
    '  [ $round -le 4 ] || break',
    `  if [ $round = 1 ]; then sig=TERM; n=${graceTenths}; else sig=KILL; n=50; fi`,
    '  kill -$sig $pids 2>/dev/null',
    '  i=0',
    '  while [ $i -lt $n ]; do',
    '    any=0; for p in $pids; do if alive "$p"; then any=1; break; fi; done',
    '    [ $any = 1 ] || break',
    '    sleep 0.1; i=$((i + 1))',
    '  done',
    'done',
    `for p in $seen; do if alive "$p"; then printf 'survived %s\\n' "$p"; fi; done`,
    'exit 0',
  ].join('\n');
}
