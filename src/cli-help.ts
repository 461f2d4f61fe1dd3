/** The exit codes and environment variables each command's --help lists: one table per command. */
export type HelpTopic = 'smoke' | 'run' | 'merge' | 'watch' | 'gate' | 'hosts' | 'hosts check' | 'hosts clean' | 'demo';

type Rows = ReadonlyArray<readonly [string, string]>;

const USAGE: readonly [string, string] = ['2', 'usage or configuration error (the message names the file, line and key)'];

const EXIT_CODES: Record<HelpTopic, Rows> = {
  smoke: [
    ['0', 'passed (run, merge), open (gate), usable (hosts)'],
    ['1', 'a platform failed (run, merge, watch --once), closed (gate), not usable (hosts)'],
    USAGE,
    ['3', 'no verdict: a host or GitHub kept a platform from being tested'],
  ],
  run: [
    ['0', 'every expected platform passed'],
    ['1', 'at least one platform failed: the artifact is broken'],
    USAGE,
    ['3', 'no verdict: an unreachable host or GitHub trouble, no such draft, assets still missing, or another run on it'],
  ],
  merge: [
    ['0', 'every configured platform has a passing report, for the draft as it is now'],
    ['1', 'at least one platform failed: the artifact is broken'],
    ['2', 'usage or configuration error, an unreadable report, or reports that do not belong together (another commit, tag or draft; two digests for one asset; two results for one platform): nothing is posted'],
    ['3', 'no verdict: a platform without a report or with an error, assets changed since the shards ran, the draft gone, published or moved to another commit, or another run on it'],
  ],
  watch: [
    ['0', 'stopped by a signal; with --once: every draft tested passed, or none needed testing'],
    ['1', 'with --once: a draft failed'],
    USAGE,
    ['3', 'with --once: a draft ended without a verdict, or GitHub (or one of several repositories) could not be read'],
  ],
  gate: [
    ['0', 'open: the latest posted result passed and still matches the draft'],
    ['1', 'closed: failed, stale, still running, never tested, or no such draft'],
    USAGE,
    ['3', 'GitHub could not be asked'],
  ],
  hosts: [
    ['0', 'every host is usable (check), clean (clean)'],
    ['1', 'a host is not usable (check), or something could not be removed (clean)'],
    USAGE,
  ],
  'hosts check': [
    ['0', 'every host is usable'],
    ['1', 'at least one host is not'],
    USAGE,
  ],
  'hosts clean': [
    ['0', 'every host is clean'],
    ['1', 'something could not be removed'],
    USAGE,
  ],
  demo: [
    ['0', 'the demo found exactly the darwin/arm64 incident it stages'],
    ['1', 'it found something else'],
    USAGE,
    ['3', 'no verdict'],
  ],
};

const GITHUB: Rows = [
  ['GH_TOKEN, GITHUB_TOKEN', 'token with push access, in that order (GH_ENTERPRISE_TOKEN, GITHUB_ENTERPRISE_TOKEN first for another host); else `gh auth token`'],
  ['GITHUB_API_URL', 'the REST API, e.g. https://ghe.example.com/api/v3 (default https://api.github.com)'],
  ['GH_HOST', 'the GitHub host when GITHUB_API_URL is not set, as gh reads it'],
  ['GH_REPO', 'the repository ([HOST/]owner/name), after --repo and before the config\'s repo:'],
  ['GITHUB_REPOSITORY', 'the repository when nothing else names one (Actions sets it)'],
  ['SMOKE_GITHUB_RETRY_BASE_MS', 'base of the 5xx retry backoff (default 1000: waits 1 s, 4 s, 9 s)'],
];
const SSH: Rows = [['SSH_AUTH_SOCK', 'the ssh-agent for hosts with agent: true (a host\'s passphraseEnv names its own variable)']];
const RUNS: Rows = [
  ['SMOKE_CACHE_DIR', 'download cache (default $XDG_CACHE_HOME/release-smoke/downloads or ~/.cache/…)'],
  ['GITHUB_STEP_SUMMARY', 'the report\'s Markdown is appended to this file (set by GitHub Actions)'],
  ['GITHUB_SERVER_URL, GITHUB_RUN_ID', 'with GITHUB_REPOSITORY: the Actions run linked from the body and the status'],
  ['NO_COLOR, CI', 'plain timestamped progress lines instead of the live view'],
];

const ENVIRONMENT: Record<HelpTopic, Rows> = {
  smoke: [...GITHUB, ...SSH, ...RUNS],
  run: [...GITHUB, ...SSH, ...RUNS],
  merge: [...GITHUB, ...RUNS.filter(([key]) => key !== 'NO_COLOR, CI')],
  watch: [...GITHUB, ...SSH, ...RUNS],
  gate: GITHUB,
  hosts: SSH,
  'hosts check': SSH,
  'hosts clean': SSH,
  demo: [['NO_COLOR, CI', 'plain timestamped progress lines instead of the live view']],
};

/** The text after commander's own help: `Exit codes:` and `Environment:`, aligned like its options. */
export function helpAfter(topic: HelpTopic): string {
  return `\n${table('Exit codes', EXIT_CODES[topic])}\n${table('Environment', ENVIRONMENT[topic])}`;
}

// Wrapped like commander's own help (80 columns), the text hanging under its first line.
const COLUMNS = 80;

function table(title: string, rows: Rows): string {
  const width = Math.max(...rows.map(([key]) => key.length));
  const indent = ' '.repeat(width + 4);
  return `${title}:\n${rows.map(([key, text]) => `  ${key.padEnd(width)}  ${wrap(text, COLUMNS - indent.length).join(`\n${indent}`)}\n`).join('')}`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
