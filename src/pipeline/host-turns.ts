/**
 * Who a host waits for: the draft a platform run belongs to. Older drafts go first (by the
 * draft's `created_at`, then `tieBreak`, e.g. `owner/name@tag`); equal ranks go in the order
 * they asked.
 */
export interface DraftRank {
  createdAt: string;
  tieBreak: string;
}

/** A platform run waiting for a host: its draft's rank and when it asked (a counter). */
export interface Waiter {
  rank: DraftRank;
  asked: number;
}

/** Oldest draft first; a stable order for equal drafts: whoever asked first. */
export function compareWaiters(a: Waiter, b: Waiter): number {
  return compare(a.rank.createdAt, b.rank.createdAt) || compare(a.rank.tieBreak, b.rank.tieBreak) || a.asked - b.asked;
}

/** The index of the waiter a freed host goes to; -1 when none waits. */
export function nextWaiter(waiting: readonly Waiter[]): number {
  let best = -1;
  waiting.forEach((w, i) => {
    if (best === -1 || compareWaiters(w, waiting[best]!) < 0) best = i;
  });
  return best;
}

/** Gives the host back; calling it twice is harmless. */
export type FreeHost = () => void;

interface Queued extends Waiter {
  grant: (free: FreeHost) => void;
}

/**
 * Turns on the test hosts, shared by every run in this process: at most one platform run per
 * host at a time, and a freed host goes to the waiting run of the oldest draft, not to whoever
 * asked first. A free host is taken at once (the call marks it busy before it returns), so a
 * younger draft never idles behind an older one that is still downloading.
 */
export class HostTurns {
  private readonly busy = new Set<string>();
  private readonly waiting = new Map<string, Queued[]>();
  private asked = 0;

  take(host: string, rank: DraftRank): Promise<FreeHost> {
    const asked = this.asked++;
    if (!this.busy.has(host)) {
      this.busy.add(host);
      return Promise.resolve(this.freeFor(host));
    }
    return new Promise((grant) => {
      const queue = this.waiting.get(host) ?? [];
      queue.push({ rank, asked, grant });
      this.waiting.set(host, queue);
    });
  }

  /** How many platform runs wait for `host` (for tests and the log). */
  waitingFor(host: string): number {
    return this.waiting.get(host)?.length ?? 0;
  }

  private freeFor(host: string): FreeHost {
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const queue = this.waiting.get(host) ?? [];
      const next = nextWaiter(queue);
      if (next === -1) {
        this.busy.delete(host);
        this.waiting.delete(host);
        return;
      }
      const [chosen] = queue.splice(next, 1);
      // Still busy: handed straight to the chosen run, so nobody can slip in between.
      chosen!.grant(this.freeFor(host));
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
