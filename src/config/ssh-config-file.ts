import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import SSHConfig from 'ssh-config';

/** What ~/.ssh/config says about one host name, the few keywords smoke uses (first value wins, as in ssh). */
export interface SshConfigEntry {
  hostName?: string;
  port?: string;
  user?: string;
  identityFiles: string[];
  proxyJump?: string;
  userKnownHostsFiles: string[];
}

/** Looks a name up as `ssh NAME` would; a name no `Host` block matches gives an empty entry. */
export type SshConfigLookup = (name: string) => SshConfigEntry;

export const NO_SSH_CONFIG: SshConfigLookup = () => ({ identityFiles: [], userKnownHostsFiles: [] });

export type SshConfigRead =
  | { kind: 'read'; lookup: SshConfigLookup }
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string };

/**
 * Reads an ssh_config file, its `Include`s in place. `Match exec` is never run: a config file
 * is not a licence to run its commands in a test service.
 */
export async function readSshConfig(file: string, home: string): Promise<SshConfigRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', reason: code ?? String(err) };
  }
  const parsed = SSHConfig.parse(await withIncludes(text, { dir: dirname(file), home, depth: 0 }));
  return {
    kind: 'read',
    lookup(name) {
      const found = parsed.compute(name, { ignoreCase: true, matchExec: false });
      return {
        ...single('hostName', found['hostname']),
        ...single('port', found['port']),
        ...single('user', found['user']),
        ...single('proxyJump', found['proxyjump']),
        identityFiles: list(found['identityfile']),
        userKnownHostsFiles: list(found['userknownhostsfile']),
      };
    },
  };
}

function single<K extends string>(key: K, value: string | string[] | undefined): { [P in K]?: string } {
  const first = Array.isArray(value) ? value[0] : value;
  return (first === undefined ? {} : { [key]: first }) as { [P in K]?: string };
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(/\s+/).filter((v) => v !== '');
}

// ssh's own limit on nested Includes.
const MAX_INCLUDE_DEPTH = 16;

/**
 * The text with each `Include` line replaced by the files it names, as ssh reads them: a path
 * may start with `~`, a relative one is beside the including file (~/.ssh for ~/.ssh/config),
 * `*` and `?` match in the last path segment, matches are taken in name order, and a file
 * that does not exist is skipped.
 */
async function withIncludes(text: string, at: { dir: string; home: string; depth: number }): Promise<string> {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const include = /^\s*include(?:\s*=\s*|\s+)(.+)$/i.exec(line);
    if (!include || at.depth >= MAX_INCLUDE_DEPTH) {
      lines.push(line);
      continue;
    }
    for (const pattern of include[1]!.trim().split(/\s+/)) {
      const path = pattern.startsWith('~/') ? join(at.home, pattern.slice(2)) : isAbsolute(pattern) ? pattern : resolve(at.dir, pattern);
      for (const file of await matchingFiles(path)) {
        const included = await readFile(file, 'utf8').catch(() => undefined); // as ssh: an unreadable Include is skipped
        if (included !== undefined) lines.push(await withIncludes(included, { ...at, depth: at.depth + 1 }));
      }
    }
  }
  return lines.join('\n');
}

async function matchingFiles(path: string): Promise<string[]> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!/[*?]/.test(name)) return [path];
  const dir = dirname(path);
  const source = name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => new RegExp(`^${source}$`).test(n)).sort().map((n) => join(dir, n));
}
