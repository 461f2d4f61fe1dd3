import { plainView } from './plain-view.ts';
import type { ProgressView } from './progress-view.ts';
import { terminalView } from './terminal-view.ts';

/** What the choice looks at: the stream progress goes to and the environment. */
export interface ViewTarget {
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

/**
 * A live line per platform on an interactive terminal; plain timestamped lines everywhere
 * else (CI, --json, no TTY, NO_COLOR). Never both. `label` (several drafts at once, each
 * with its own view) means plain lines that each name their draft: live blocks would overwrite each other.
 */
export function chooseView<T extends ViewTarget>(io: T, options: { json: boolean; label?: string }): ProgressView {
  const out = io.stderr;
  const live = !options.json && options.label === undefined && out.isTTY === true && !io.env.CI && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  return live ? terminalView(out, { now: Date.now }) : plainView(out, () => new Date(), options.label === undefined ? {} : { label: options.label });
}
