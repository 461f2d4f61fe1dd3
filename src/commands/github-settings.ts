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
