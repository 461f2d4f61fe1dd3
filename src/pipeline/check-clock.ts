import type { EventSink } from '../domain/events.ts';
import type { CheckResult, PlatformResult } from '../domain/verdict.ts';

export interface CheckClock {
  /** Passes every event on, noting when each check result was announced. */
  watch(next: EventSink): EventSink;
  /** The platforms with each check's `startMs` (from the run's start) filled in. */
  stamp(platforms: readonly PlatformResult[]): PlatformResult[];
}

/**
 * Start offsets for the report's timeline without touching the stages: a check is announced
 * when it ends, so it started `durationMs` before that. A check never announced (none today)
 * is placed right after the one before it.
 */
export function checkClock(options: { now: () => number }): CheckClock {
  const origin = options.now();
  const endedAt = new WeakMap<CheckResult, number>();
  return {
    watch: (next) => (event) => {
      if (event.kind === 'check') endedAt.set(event.result, options.now() - origin);
      next(event);
    },
    stamp: (platforms) =>
      platforms.map((p) => {
        let previousEnd = 0;
        const checks = p.checks.map((c) => {
          const end = endedAt.get(c);
          const startMs = Math.max(0, Math.round(end === undefined ? previousEnd : end - c.durationMs));
          previousEnd = Math.max(previousEnd, startMs + c.durationMs);
          return { ...c, startMs };
        });
        return { ...p, checks };
      }),
  };
}
