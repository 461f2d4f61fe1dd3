import { setTimeout as delay } from 'node:timers/promises';

export interface StopSignal {
  signal: AbortSignal;
  /** Removes the process listeners, if any were added. */
  dispose(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * What ends a long-running command: the caller's signal (tests, an embedding program) or, in
 * the real process, SIGINT/SIGTERM. The first signal asks for a clean stop after the current
 * step; a second one restores the default handler and re-raises, so Ctrl-C twice always quits.
 */
export function stopSignal(given: AbortSignal | undefined, onFirst: (signal: string) => void): StopSignal {
  if (given) return { signal: given, dispose: () => {} };
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      dispose();
      process.kill(process.pid, signal);
      return;
    }
    onFirst(signal);
    // The reason names the signal, so a cancelled run can say what stopped it.
    controller.abort(signal);
  };
  const dispose = () => {
    for (const s of SIGNALS) process.off(s, handler);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return { signal: controller.signal, dispose };
}

/** Waits `ms`, or less when `signal` aborts first; never throws for the abort. */
export async function sleepUnlessStopped(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
