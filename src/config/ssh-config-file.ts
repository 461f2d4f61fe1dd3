import { readFile } from 'node:fs/promises';
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
 * Reads an ssh_config file. `Match exec` is never run: a config file is not a licence to run
 * its commands in a test service. `Include` is not followed (the library does not).
 */
export async function readSshConfig(file: string): Promise<SshConfigRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', reason: code ?? String(err) };
  }
  const parsed = SSHConfig.parse(text);
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
