import { EXIT } from '../domain/errors.ts';
import { chooseView } from '../progress/choose-view.ts';
import { commandContext, retryLine } from './context.ts';
import type { CliIo } from './io.ts';
import { sleepUnlessStopped, stopSignal } from './stop-signal.ts';
import { errorText } from '../domain/errors.ts';
import { watchPass, type PassResult, type WatchContext, type WatchState } from './watch-pass.ts';

export interface WatchCliOptions {
  config: string;
  repo?: string;
  reports: string;
  interval: number;
  once?: boolean;
  /** Only the drafts with these tags. */
  tag?: string[];
  post: boolean;
  keepOnFailure?: boolean;
}

/**
 * `smoke watch`: poll for drafts and test each new or changed one, one at a time. Idle polls
 * are a single conditional request. `--once` makes one pass and exits 0 (all tested drafts
 * passed, or none needed testing), 1 (one failed) or 3 (one ended without a verdict). A
 * continuous watch survives GitHub's bad moments and ends only on a signal, with 0.
 */
export async function watchCommand(options: WatchCliOptions, io: CliIo): Promise<number> {
  let warn = (message: string): void => void io.stderr.write(`smoke: ${message}\n`);
  const { config, github } = await commandContext(options, io, { onRetry: (notice) => warn(retryLine(notice)) });
  const log = chooseView(io, { json: false });
  warn = (message) => log.onEvent({ kind: 'warning', message });
  const stop = stopSignal(io.signal, (signal) =>
    log.onEvent({ kind: 'info', message: `${signal}: stopping after the current run (send it again to quit now)` }),
  );
  const ctx: WatchContext = {
    config,
    github,
    settings: { reports: options.reports, post: options.post, ...(options.keepOnFailure ? { keepOnFailure: true } : {}) },
    io,
    onEvent: log.onEvent,
    signal: stop.signal,
    ...(options.tag && options.tag.length > 0 ? { onlyTags: options.tag } : {}),
  };
  const state: WatchState = { pages: null, recheckAt: null, testedHere: new Map() };
  try {
    if (options.once) return onceExitCode(await watchPass(ctx, state));
    log.onEvent({ kind: 'info', message: `watching ${github.repo} for drafts every ${options.interval}s` });
    while (!stop.signal.aborted) {
      try {
        await watchPass(ctx, state);
      } catch (error) {
        // GitHub down, a rate limit, a network blip: the next poll may well work.
        log.onEvent({ kind: 'warning', message: `poll failed, trying again in ${options.interval}s: ${errorText(error)}` });
      }
      await sleepUnlessStopped(options.interval * 1000, stop.signal);
    }
    log.onEvent({ kind: 'info', message: 'watch stopped' });
    return EXIT.pass;
  } finally {
    stop.dispose();
    log.close();
  }
}

function onceExitCode(pass: PassResult): number {
  if (pass.verdicts.includes('fail')) return EXIT.fail;
  if (pass.errors > 0 || pass.verdicts.includes('error')) return EXIT.noVerdict;
  return EXIT.pass;
}
