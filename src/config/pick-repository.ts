import { ConfigError } from '../domain/errors.ts';
import type { RepositoryConfig, SmokeConfig } from './types.ts';

/** Where the command's repository was named, if anywhere: `--repo`, GH_REPO, GITHUB_REPOSITORY. */
export interface RepositoryChoice {
  cli?: string;
  ghRepo?: string;
  githubRepository?: string;
}

/**
 * The entry of `repositories:` a one-repository command (`run`, `gate`) works on: the one
 * `--repo` or GH_REPO names, else the only one, else the one GITHUB_REPOSITORY names (the
 * workflow's own repository). A name not listed, or several entries and no name, is an error
 * naming the choices.
 */
export function pickRepository(entries: readonly RepositoryConfig[], choice: RepositoryChoice, file: string): RepositoryConfig {
  const choices = entries.map((e) => e.repo).join(', ');
  const find = (repo: string) => entries.find((e) => e.repo.toLowerCase() === repo.toLowerCase());
  const named = choice.cli !== undefined ? { repo: choice.cli, from: '--repo' } : choice.ghRepo ? { repo: choice.ghRepo, from: 'GH_REPO' } : null;
  if (named) {
    const entry = find(named.repo);
    if (!entry) throw new ConfigError(`repository ${named.repo} (from ${named.from}) is not under repositories: in ${file}; its repositories are ${choices}`);
    return entry;
  }
  if (entries.length === 1) return entries[0]!;
  const fromActions = choice.githubRepository ? find(choice.githubRepository) : undefined;
  if (fromActions) return fromActions;
  throw new ConfigError(`${file} lists several repositories (${choices}): name one with --repo or GH_REPO`);
}

/** The config as one repository sees it: its release rules, status context and platforms in the top-level places. */
export function forRepository(config: SmokeConfig, entry: RepositoryConfig): SmokeConfig {
  const platforms = new Map([...config.platforms].filter(([id]) => entry.platforms.includes(id)));
  return { ...config, repo: entry.repo, release: entry.release, statusContext: entry.statusContext, platforms };
}
