import type { EventSink } from '../domain/events.ts';
import type { CliIo } from '../commands/io.ts';
import { plainView } from './plain-view.ts';
import { terminalView } from './terminal-view.ts';

export interface ProgressView {
  onEvent: EventSink;
  /** Stops redrawing; the terminal view leaves its settled lines in place. */
  close(): void;
}

/**
 * A live line per platform on an interactive terminal; plain timestamped lines everywhere
 * else (CI, --json, no TTY, NO_COLOR). Never both.
 */
export function chooseView(io: CliIo, options: { json: boolean }): ProgressView {
  const out = io.stderr;
  const live = !options.json && out.isTTY === true && !io.env.CI && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  return live ? terminalView(out, { now: Date.now }) : plainView(out, () => new Date());
}
