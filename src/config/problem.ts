import { ConfigError, formatWhere } from '../domain/errors.ts';
import type { KeyPath, Locate } from './yaml-locator.ts';
import { formatKeyPath } from './yaml-locator.ts';

/** One thing wrong with hosts.yaml, before it is given a line and column. */
export interface Problem {
  path: KeyPath;
  message: string;
  /** Point at the key rather than its value. */
  at?: 'key' | 'value';
}

export interface LocatedProblem {
  line?: number;
  col?: number;
  key?: string;
  message: string;
}

export function problemsError(problems: readonly Problem[], file: string, locate: Locate): ConfigError {
  return locatedError(
    file,
    problems.map((p) => ({ ...locate(p.path, p.at), key: formatKeyPath(p.path) || undefined, message: p.message })),
  );
}

/**
 * One ConfigError for all problems, in file order: the first is its `where`, and every line of
 * the message is complete (`file:line:col (key): what is wrong`).
 */
export function locatedError(file: string, problems: readonly LocatedProblem[]): ConfigError {
  const [first, ...rest] = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
  if (!first) return new ConfigError('invalid configuration', { file });
  const lines = rest.map((p) => `${formatWhere({ file, ...p })}: ${p.message}`);
  return new ConfigError([first.message, ...lines].join('\n'), { file, line: first.line, col: first.col, key: first.key });
}
