import { EPHEMERD_PLATFORMS, type PlatformId } from '../domain/platform.ts';
import { DEFAULT_PLATFORMS } from './defaults.ts';
import { platformNameProblem } from './platform-name.ts';
import type { Problem } from './problem.ts';
import type { RawConfig } from './schema.ts';

/**
 * The platforms a draft must have, in order: the keys of `platforms:` when given, else
 * ephemerd's four. A platform without a default size floor must state one.
 */
export function expectedPlatforms(raw: RawConfig): { platforms: PlatformId[]; problems: Problem[] } {
  if (!raw.platforms) return { platforms: [...EPHEMERD_PLATFORMS], problems: [] };
  const problems: Problem[] = [];
  const platforms: PlatformId[] = [];
  for (const [id, rules] of Object.entries(raw.platforms)) {
    const problem = platformNameProblem(id);
    if (problem) {
      problems.push({ path: ['platforms', id], at: 'key', message: problem });
      continue;
    }
    platforms.push(id as PlatformId);
    if (!DEFAULT_PLATFORMS.has(id as PlatformId) && rules?.minBinaryBytes === undefined) {
      problems.push({
        path: ['platforms', id],
        at: 'key',
        message: `platform ${id} has no default size floor: set minBinaryBytes (e.g. 20MB)`,
      });
    }
  }
  if (platforms.length === 0 && problems.length === 0) {
    problems.push({ path: ['platforms'], message: 'expected at least one platform, or leave platforms: out for ephemerd\'s four' });
  }
  return { platforms, problems };
}
