import { ConfigError } from '../domain/errors.ts';
import { githubHost, type GitHubHost } from './github-host.ts';

export interface GitHubSettings {
  apiUrl: string;
  token: string;
  repo: string;
  /** Where a setting came from when sources disagreed: printed, so nothing wins silently. */
  notes: string[];
}

export interface SettingsSources {
  repoFromCli: string | undefined;
  repoFromConfig: string | undefined;
  /** `gh auth token --hostname <host>` when gh is installed and logged in; asked only without a token. */
  ghAuthToken: (hostname: string) => Promise<string | undefined>;
}

const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** Every variable that says which GitHub, which token and which repository. */
const GITHUB_VARIABLES = ['GH_TOKEN', 'GITHUB_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'GH_HOST', 'GITHUB_API_URL', 'GH_REPO', 'GITHUB_REPOSITORY'];

/** The environment without them: the demo's sandbox must not meet the user's own token or host. */
export function withoutGitHubVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !GITHUB_VARIABLES.includes(name)));
}

/**
 * Where GitHub is and who we are there, by gh's conventions: GITHUB_API_URL, else GH_HOST; the
 * token from GH_TOKEN, then GITHUB_TOKEN (GH_ENTERPRISE_TOKEN and GITHUB_ENTERPRISE_TOKEN first
 * on another host), then `gh auth token`; the repository from --repo, GH_REPO, the config's
 * `repo:`, then GITHUB_REPOSITORY (the Actions runner sets it for whatever repository the
 * workflow lives in: the one source nobody chose for this run).
 */
export async function githubSettings(env: NodeJS.ProcessEnv, sources: SettingsSources): Promise<GitHubSettings> {
  const host = githubHost(env);
  const repo = chooseRepo(env, sources);
  const token = tokenFromEnv(env, host) ?? (await sources.ghAuthToken(host.hostname));
  if (!token) {
    throw new ConfigError(
      'no GitHub token: set GH_TOKEN or GITHUB_TOKEN to a token with push access to the repository (drafts are invisible to others), or log in with `gh auth login`',
    );
  }
  return { apiUrl: host.apiUrl, token, repo: repo.repo, notes: [...host.notes, ...repo.notes] };
}

function tokenFromEnv(env: NodeJS.ProcessEnv, host: GitHubHost): string | undefined {
  const names = host.hostname === 'github.com' ? [] : ['GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN'];
  for (const name of [...names, 'GH_TOKEN', 'GITHUB_TOKEN']) {
    const value = env[name];
    if (value) return value;
  }
  return undefined;
}

interface RepoSource {
  repo: string;
  from: string;
}

function chooseRepo(env: NodeJS.ProcessEnv, sources: SettingsSources): { repo: string; notes: string[] } {
  const candidates: RepoSource[] = [];
  if (sources.repoFromCli) candidates.push({ repo: sources.repoFromCli, from: '--repo' });
  if (env.GH_REPO) candidates.push({ repo: withoutHost(env.GH_REPO), from: 'GH_REPO' });
  if (sources.repoFromConfig) candidates.push({ repo: sources.repoFromConfig, from: 'the config\'s repo:' });
  if (env.GITHUB_REPOSITORY) candidates.push({ repo: env.GITHUB_REPOSITORY, from: 'GITHUB_REPOSITORY' });
  const [chosen] = candidates;
  if (!chosen) {
    throw new ConfigError('no repository: pass --repo owner/name, set GH_REPO, set repo: in the config, or set GITHUB_REPOSITORY');
  }
  if (!REPO_RE.test(chosen.repo)) {
    throw new ConfigError(`repository ${JSON.stringify(chosen.repo)} (from ${chosen.from}) is not of the form owner/name`);
  }
  const overruled = candidates.filter((c) => c.repo.toLowerCase() !== chosen.repo.toLowerCase());
  const notes = overruled.map((c) => `repository ${chosen.repo} from ${chosen.from}, not ${c.repo} from ${c.from}`);
  return { repo: chosen.repo, notes };
}

/** GH_REPO may be `[HOST/]OWNER/REPO`, as gh takes it; the host comes from GH_HOST or GITHUB_API_URL. */
function withoutHost(value: string): string {
  const parts = value.split('/');
  return parts.length === 3 ? parts.slice(1).join('/') : value;
}
