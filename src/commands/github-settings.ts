import { ConfigError } from '../domain/errors.ts';

export interface GitHubSettings {
  apiUrl: string;
  token: string;
  repo: string;
}

const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/**
 * Where GitHub is and who we are there: GITHUB_API_URL (GitHub Enterprise Server works),
 * GITHUB_TOKEN or GH_TOKEN, and the repository from --repo, the config, or GITHUB_REPOSITORY.
 */
export function githubSettings(
  env: NodeJS.ProcessEnv,
  repoFromCli: string | undefined,
  repoFromConfig: string | undefined,
): GitHubSettings {
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  assertSafeApiUrl(apiUrl);
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (!token) {
    throw new ConfigError(
      'no GitHub token: set GITHUB_TOKEN or GH_TOKEN to a token with push access to the repository (drafts are invisible to others)',
    );
  }
  const repo = repoFromCli ?? repoFromConfig ?? env.GITHUB_REPOSITORY;
  if (!repo) {
    throw new ConfigError('no repository: pass --repo owner/name, set repo: in the config, or set GITHUB_REPOSITORY');
  }
  if (!REPO_RE.test(repo)) {
    throw new ConfigError(`repository "${repo}" is not of the form owner/name`);
  }
  return { apiUrl, token, repo };
}

/**
 * The token goes with every request: only https carries it, but to this machine itself (the
 * sandbox's fake GitHub, a local proxy), where plain http never leaves the host.
 */
function assertSafeApiUrl(apiUrl: string): void {
  const shown = JSON.stringify(apiUrl);
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new ConfigError(`GITHUB_API_URL ${shown} is not a URL (e.g. https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server)`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return;
  const why = url.protocol === 'http:' ? `plain http to ${url.hostname} would send the GitHub token in cleartext` : `${url.protocol} is not https`;
  throw new ConfigError(`GITHUB_API_URL ${shown}: ${why}; use https (plain http is accepted only for loopback: 127.0.0.0/8, ::1, localhost)`);
}

/** URL has already normalised the host: `127.1` and `0x7f.1` read as 127.0.0.1, IPv6 in brackets. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
