import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { ConfigError } from '../domain/errors.ts';
import type { SmokeConfig } from '../config/types.ts';
import { forRepository, pickRepository, type RepositoryChoice } from '../config/pick-repository.ts';
import { createGitHub, type GitHub, type RetryNotice } from '../github/index.ts';
import { ghAuthToken } from './gh-auth-token.ts';
import { githubSettings, type GitHubSettings } from './github-settings.ts';
import type { CliIo } from './io.ts';

export interface CommandContext {
  config: SmokeConfig;
  github: GitHub;
}

/** The config file and the GitHub adapter every GitHub-facing command starts from. */
export async function commandContext(
  options: { config: string; repo?: string },
  io: CliIo,
  hooks: { onRetry?: (notice: RetryNotice) => void; loaded?: SmokeConfig } = {},
): Promise<CommandContext> {
  // `loaded`: the caller read the file already (a watch looks at its repositories: first).
  const loaded = hooks.loaded ?? (await loadConfig(resolve(options.config), io.env));
  // With repositories:, a one-repository command takes the entry named and that entry's rules.
  const entry = loaded.repositories.length === 0 ? null : pickRepository(loaded.repositories, repositoryChoice(options.repo, io.env), loaded.file);
  const config = entry ? forRepository(loaded, entry) : loaded;
  const settings = await githubSettings(io.env, {
    repoFromCli: options.repo,
    repoFromConfig: config.repo,
    ghAuthToken: (hostname) => ghAuthToken(io.env, hostname),
  });
  // A token from `gh auth token` is in no variable the output scrub started with.
  io.keepSecret?.(settings.token);
  for (const note of settings.notes) io.stderr.write(`smoke: ${note}\n`);
  return { config, github: githubFor(settings, settings.repo, io, hooks) };
}

/** Where `--repo`, GH_REPO (without gh's optional host) and GITHUB_REPOSITORY point. */
export function repositoryChoice(cli: string | undefined, env: NodeJS.ProcessEnv): RepositoryChoice {
  const ghRepo = env.GH_REPO?.split('/').slice(-2).join('/');
  return { ...(cli === undefined ? {} : { cli }), ...(ghRepo ? { ghRepo } : {}), ...(env.GITHUB_REPOSITORY ? { githubRepository: env.GITHUB_REPOSITORY } : {}) };
}

/** A GitHub adapter for one repository with the command's settings (a watch makes one per repository). */
export function githubFor(settings: GitHubSettings, repo: string, io: CliIo, hooks: { onRetry?: (notice: RetryNotice) => void } = {}): GitHub {
  return createGitHub({
    apiUrl: settings.apiUrl,
    token: settings.token,
    repo,
    retry: {
      retries: 3,
      maxRateLimitWaitSeconds: 120,
      ...retryBase(io.env),
      onRetry: hooks.onRetry ?? ((notice) => io.stderr.write(`smoke: ${retryLine(notice)}\n`)),
    },
  });
}

/** `GET /repos/o/r/releases: connect ECONNREFUSED 127.0.0.1:9; retry 1 of 3 in 1 s` */
export function retryLine(notice: RetryNotice): string {
  const wait = notice.waitMs >= 1000 ? `${Math.round(notice.waitMs / 100) / 10} s` : `${notice.waitMs} ms`;
  return `GitHub ${notice.method} ${notice.path}: ${notice.reason}; retry ${notice.attempt} of ${notice.retries} in ${wait}`;
}

/** SMOKE_GITHUB_RETRY_BASE_MS shrinks the 5xx backoff (1 s, 4 s, 9 s) so fault tests run fast. */
function retryBase(env: NodeJS.ProcessEnv): { minBackoffMs?: number } {
  const raw = env.SMOKE_GITHUB_RETRY_BASE_MS;
  if (raw === undefined || raw === '') return {};
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new ConfigError(`SMOKE_GITHUB_RETRY_BASE_MS must be a whole number of milliseconds, not ${JSON.stringify(raw)}`);
  return { minBackoffMs: ms };
}

/** Downloads are cached across runs (keyed by asset id and digest); SMOKE_CACHE_DIR moves them. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.SMOKE_CACHE_DIR) return resolve(env.SMOKE_CACHE_DIR);
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'release-smoke', 'downloads');
}

/** The link to this workflow run inside GitHub Actions, for the body and the status. */
export function actionsRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}
