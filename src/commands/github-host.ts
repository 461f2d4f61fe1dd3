import { ConfigError } from '../domain/errors.ts';

export interface GitHubHost {
  /** The REST API's base URL, without a trailing slash. */
  apiUrl: string;
  /** The host as gh names it (`github.com`, `ghe.example.com`): what `gh auth token --hostname` takes. */
  hostname: string;
  notes: string[];
}

const HOSTNAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$/;

/**
 * GITHUB_API_URL (what Actions sets, on github.com and GitHub Enterprise Server alike), else
 * GH_HOST as gh reads it, else github.com. A value that is not a URL or a host name is a
 * usage error at once, naming it: retrying "not-a-url" cannot help.
 */
export function githubHost(env: NodeJS.ProcessEnv): GitHubHost {
  const ghHost = env.GH_HOST?.trim() || undefined;
  if (ghHost !== undefined && !HOSTNAME_RE.test(ghHost)) {
    throw new ConfigError(`GH_HOST ${JSON.stringify(ghHost)} is not a host name (e.g. github.com or ghe.example.com)`);
  }
  const rawUrl = env.GITHUB_API_URL?.trim() || undefined;
  if (rawUrl === undefined) {
    const hostname = ghHost ?? 'github.com';
    return { apiUrl: apiUrlOf(hostname), hostname, notes: [] };
  }
  const url = parseApiUrl(rawUrl);
  const hostname = hostnameOf(url);
  const notes =
    ghHost !== undefined && ghHost.toLowerCase() !== hostname.toLowerCase()
      ? [`GitHub at ${url.href.replace(/\/+$/, '')} from GITHUB_API_URL, not ${ghHost} from GH_HOST`]
      : [];
  return { apiUrl: url.href.replace(/\/+$/, ''), hostname, notes };
}

function parseApiUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`GITHUB_API_URL ${JSON.stringify(raw)} is not a URL (e.g. https://api.github.com or https://ghe.example.com/api/v3)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`GITHUB_API_URL ${JSON.stringify(raw)} is not an http(s) URL (e.g. https://api.github.com)`);
  }
  // The token goes with every request: plain http only where it never leaves this machine
  // (the sandbox's fake GitHub, a local proxy).
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new ConfigError(
      `GITHUB_API_URL ${JSON.stringify(raw)}: plain http to ${url.hostname} would send the GitHub token in cleartext; ` +
        'use https (plain http is accepted only for loopback: 127.0.0.0/8, ::1, localhost)',
    );
  }
  if (url.username || url.password) {
    // Credentials in the URL would end up in messages; the token has its own variables.
    throw new ConfigError('GITHUB_API_URL must not carry a user name or password: set GH_TOKEN or GITHUB_TOKEN instead');
  }
  return url;
}

/** URL has already normalised the host: `127.1` and `0x7f.1` read as 127.0.0.1, IPv6 is in brackets. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** gh's API URL for a host: api.github.com, api.<tenant>.ghe.com, or <host>/api/v3 for Enterprise Server. */
function apiUrlOf(hostname: string): string {
  const lower = hostname.toLowerCase();
  if (lower === 'github.com') return 'https://api.github.com';
  if (lower.endsWith('.ghe.com')) return `https://api.${lower}`;
  return `https://${hostname}/api/v3`;
}

function hostnameOf(url: URL): string {
  const host = url.host.toLowerCase();
  if (host === 'api.github.com') return 'github.com';
  if (host.startsWith('api.') && host.endsWith('.ghe.com')) return host.slice('api.'.length);
  return host;
}
