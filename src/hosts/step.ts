/** One operation in flight on a connection, settled exactly once. */
export interface Step<T> {
  readonly finished: boolean;
  done(value: T): void;
  fail(err: unknown): void;
  /** Runs when the step settles, however it settles (timers, listeners). */
  onFinish(cleanup: () => void): void;
}

/**
 * Runs `body` as a step that `abortAll` can fail from outside (the connection dropped), so
 * no caller waits forever on a callback that will never come.
 */
export class StepTracker {
  private readonly running = new Set<(errorFor: (what: string) => Error) => void>();

  run<T>(what: string, body: (step: Step<T>) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cleanups: Array<() => void> = [];
      let finished = false;
      const settle = (): boolean => {
        if (finished) return false;
        finished = true;
        this.running.delete(abort);
        for (const cleanup of cleanups) cleanup();
        return true;
      };
      const abort = (errorFor: (what: string) => Error) => {
        if (settle()) reject(errorFor(what));
      };
      const step: Step<T> = {
        get finished() {
          return finished;
        },
        done: (value) => {
          if (settle()) resolve(value);
        },
        fail: (err) => {
          if (settle()) reject(err);
        },
        onFinish: (cleanup) => {
          if (finished) cleanup();
          else cleanups.push(cleanup);
        },
      };
      this.running.add(abort);
      try {
        body(step);
      } catch (err) {
        step.fail(err);
      }
    });
  }

  /** Fails every running step; `errorFor` words the error from the step's description. */
  abortAll(errorFor: (what: string) => Error): void {
    for (const abort of [...this.running]) abort(errorFor);
  }
}
