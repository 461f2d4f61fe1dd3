import { setFlagsFromString } from 'node:v8';

/** 1 + 300% = 4, V8's largest heap growing factor. */
const GROWING_PERCENT = 300;

/**
 * Has V8 set its next full collection at four times what survived the last one, every time.
 * Left to itself V8 picks the factor from its collection and allocation speeds, and a run
 * allocates little on V8's heap (its bytes live in Buffers): mid-run it picked 1.1-1.5, leaving
 * 16 MB of room over 15 MB live. V8 counts the Buffer bytes allocated since the last full
 * collection against that room, and four transfers keep 30-60 MB in flight, so in 4 runs of 10
 * full collections came every 30 ms, up to 40 in a run. With 4: two or three a run, a third
 * less CPU on a 1.1 GiB release, and the same peak RSS (scripts/bench.ts, README).
 */
export function letHeapGrow(): void {
  setFlagsFromString(`--heap-growing-percent=${GROWING_PERCENT}`);
}
