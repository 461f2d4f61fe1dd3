import type { PlatformId } from '../domain/platform.ts';
import type { Problem } from './problem.ts';
import type { RawConfig } from './schema.ts';
import type { Locate } from './yaml-locator.ts';

/**
 * `repositories:` against the rest: each repository once, its platforms among the expected ones,
 * and not beside `repo:`, which would leave unclear whether it is one more repository or the only one.
 */
export function checkRepositories(raw: RawConfig, expected: readonly PlatformId[], locate: Locate): Problem[] {
  if (!raw.repositories) return [];
  const problems: Problem[] = [];
  if (raw.repo !== undefined) {
    problems.push({
      path: ['repo'],
      at: 'key',
      message: `set either repo: (one repository) or repositories: (line ${locate(['repositories'], 'key').line}, several), not both; list ${raw.repo} under repositories: instead`,
    });
  }
  const firstAt = new Map<string, number>();
  raw.repositories.forEach((entry, i) => {
    entry.platforms?.forEach((platform, j) => {
      if (!expected.includes(platform as PlatformId)) {
        problems.push({ path: ['repositories', i, 'platforms', j], message: `repository ${entry.repo}: platform ${platform} is not under platforms: (expected one of ${expected.join(', ')})` });
      }
    });
    const key = entry.repo.toLowerCase();
    const seen = firstAt.get(key);
    if (seen === undefined) {
      firstAt.set(key, i);
      return;
    }
    const other = locate(['repositories', seen, 'repo']).line;
    problems.push({ path: ['repositories', i, 'repo'], message: `repository ${entry.repo} is listed twice (lines ${other} and ${locate(['repositories', i, 'repo']).line}); give each repository one entry` });
  });
  return problems;
}
