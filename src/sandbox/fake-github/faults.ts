// Faults queued by a test, consumed in queue order by the requests they match.
import type { Fault } from './types.ts';

export type ApiFault = Extract<Fault, { kind: 'status' | 'secondary-rate-limit' | 'primary-rate-limit' }>;
export type StorageFault = Extract<Fault, { kind: 'truncate' | 'slow' | 'storage-status' | 'hold' }>;

interface Queued {
  fault: Fault;
  remaining: number;
}

export class FaultQueue {
  private readonly queued: Queued[] = [];

  push(fault: Fault): void {
    this.queued.push({ fault, remaining: fault.times ?? 1 });
  }

  /** The first queued API fault whose `match` accepts `method path`, consumed once. */
  takeApi(method: string, path: string): ApiFault | undefined {
    return this.take((f): f is ApiFault => isApi(f) && (f.match === undefined || testOnce(f.match, `${method} ${path}`)));
  }

  /** Storage faults apply to every storage request in queue order; a hold only to its asset's. */
  takeStorage(asset: string): StorageFault | undefined {
    return this.take((f): f is StorageFault => !isApi(f) && (f.kind !== 'hold' || f.asset === asset));
  }

  private take<T extends Fault>(accepts: (f: Fault) => f is T): T | undefined {
    const index = this.queued.findIndex((q) => accepts(q.fault));
    const entry = this.queued[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queued.splice(index, 1);
    return entry.fault as T;
  }
}

function isApi(f: Fault): f is ApiFault {
  return f.kind === 'status' || f.kind === 'secondary-rate-limit' || f.kind === 'primary-rate-limit';
}

/** A /g or /y RegExp keeps lastIndex between calls; reset it so matching is stateless. */
function testOnce(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}
