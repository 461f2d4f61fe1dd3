import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { HostError } from '../domain/errors.ts';
import type { Remote } from '../hosts/remote.ts';
import { FOLLOW_TOO_LONG, type Shell } from '../shells/shell.ts';
import { LogFrames, type LogFrame } from './log-frames.ts';
import { firstLine, runOnHost } from '../hosts/run-on-host.ts';
import { formatDuration } from '../domain/format-duration.ts';

/**
 * Bytes read at most per frame: a noisy daemon cannot make one frame huge. Small, because what a
 * run holds per platform is a few frames, and four platforms whose logs never end while /healthz
 * hangs peaked at 151-155 MiB with 256 KiB, 122-133 with 128 KiB and 114-127 with 64 KiB
 * (scripts/bench.ts, `endless`); 20 MiB of log before ready is read in about 0.6 s more than
 * with 1 MiB.
 */
const CHUNK_BYTES = 64 * 1024;
/** A line without a newline this long is cut: a log is not a place for megabyte lines. */
const MAX_LINE_CHARS = 16 * 1024;
/** Lines kept for the excerpt, at most so many and so many characters; older ones are dropped and counted. */
const KEEP_LINES = 2000;
const KEEP_CHARS = 256 * 1024;
/**
 * Frames read from the host but not yet taken, in characters, past which the host is made to
 * wait (backpressure). A caller busy elsewhere (a /healthz that hangs for seconds) while the
 * daemon logs without end would otherwise queue the whole log in memory: 1.4 GB in 20 s.
 */
const QUEUE_CHARS = CHUNK_BYTES;

export interface LogState {
  offset: number;
  partial: string;
  lines: string[];
  /** Characters in `lines`. */
  chars: number;
  dropped: number;
}

export function newLogState(): LogState {
  return { offset: 0, partial: '', lines: [], chars: 0, dropped: 0 };
}

export interface LogRead {
  alive: boolean;
  newLines: string[];
  /** The read was full: more is waiting, so the leader's death does not mean the log's end. */
  more: boolean;
  /**
   * When the frame arrived (`performance.now()`), just after the host read the log. Reads wait in
   * a queue while the caller is busy (a /healthz check): judge time from this, not from `next()`.
   */
  at: number;
}

export interface FollowOptions {
  logFile: string;
  pidFile: string;
  state: LogState;
  /** How often the host reads the log. */
  intervalMs: number;
  /** How long the follow may last at most: the host's loop ends after this too. */
  maxRunMs: number;
  /** How long one read may keep us waiting before the host counts as not answering. */
  readTimeoutMs: number;
}

/**
 * Follows a background process's log on the host over one exec (`Shell.followLog`): whether its
 * leader still runs, and the complete lines written since the last read. The offset is the host's
 * byte count, so a multi-byte character cut at a chunk's edge never shifts later reads. `stop`
 * closes the channel; the host's loop ends at its next write.
 */
export class LogFollower {
  private readonly reads: Array<LogFrame & { at: number }> = [];
  /** Characters of text in `reads`. */
  private queued = 0;
  private readonly ended: Promise<never>;
  private wake: (() => void) | undefined;
  /** Set while the host waits for the queue to shrink; called to let it go on. */
  private drained: (() => void) | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly remote: Remote,
    shell: Shell,
    private readonly options: FollowOptions,
  ) {
    const marker = randomBytes(12).toString('hex');
    const frames = new LogFrames(marker, CHUNK_BYTES * 2);
    let broken: Error | undefined;
    const command = shell.followLog({ ...options, offset: options.state.offset, maxBytes: CHUNK_BYTES, marker });
    const run = runOnHost(remote, command, 'read the log', {
      // Its own time limit is the host loop's; this one is for a host that stopped answering.
      timeoutMs: options.maxRunMs + options.readTimeoutMs,
      maxOutputBytes: 64 * 1024,
      signal: this.abort.signal,
      onOutput: (stream, chunk) => {
        // Once stopped, what the channel still holds is let through unread.
        if (stream !== 'stdout' || broken || this.abort.signal.aborted) return;
        try {
          const at = performance.now();
          for (const frame of frames.push(chunk)) {
            this.reads.push({ ...frame, at });
            this.queued += frame.text.length;
          }
        } catch (error) {
          broken = error instanceof Error ? error : new Error(String(error));
          this.abort.abort();
        }
        this.wake?.();
        if (this.queued <= QUEUE_CHARS || this.abort.signal.aborted) return;
        return new Promise<void>((resolve) => (this.drained = resolve));
      },
    });
    const failed = (why: string) => new HostError(remote.host.name, `read the log: ${why}`);
    this.ended = run.then(
      (res) => {
        if (broken) throw failed(broken.message);
        throw failed(res.exitCode === FOLLOW_TOO_LONG ? `still following after ${formatDuration(options.maxRunMs)}` : `the follower ended (${firstLine(res.stderr) || `exit code ${String(res.exitCode)}`})`);
      },
      (error: unknown) => {
        throw broken ? failed(broken.message) : error;
      },
    );
    this.ended.catch(() => undefined); // judged when a read waits on it
  }

  /** The next read: waits for the host's next frame. */
  async next(): Promise<LogRead> {
    const { state, readTimeoutMs } = this.options;
    if (this.reads.length === 0) {
      let timer: NodeJS.Timeout | undefined;
      const arrived = new Promise<void>((resolve) => (this.wake = resolve));
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HostError(this.remote.host.name, `read the log: no answer within ${formatDuration(readTimeoutMs)}`)), readTimeoutMs);
      });
      try {
        // A frame that arrives with the end still counts: the end is judged only without one.
        await Promise.race([arrived, late, this.ended.catch((error: unknown) => (this.reads.length > 0 ? undefined : Promise.reject(error)))]);
      } finally {
        clearTimeout(timer);
        this.wake = undefined;
      }
    }
    const frame = this.reads.shift();
    if (!frame) return this.next();
    this.queued -= frame.text.length;
    if (this.queued <= QUEUE_CHARS) this.letHostGoOn();
    const more = frame.offset - state.offset >= CHUNK_BYTES;
    state.offset = frame.offset;
    return { alive: frame.alive, newLines: addText(state, frame.text), more, at: frame.at };
  }

  stop(): void {
    this.abort.abort();
    // Not let go on: the channel closes with what it holds unread, instead of megabytes of it
    // being decoded only to be dropped.
    this.drained = undefined;
  }

  private letHostGoOn(): void {
    const drained = this.drained;
    this.drained = undefined;
    drained?.();
  }
}

/** Splits new log text into complete lines, kept in `state` (capped) and returned. */
function addText(state: LogState, text: string): string[] {
  const parts = (state.partial + text).split('\n');
  state.partial = parts.pop() ?? '';
  if (state.partial.length > MAX_LINE_CHARS) {
    parts.push(state.partial.slice(0, MAX_LINE_CHARS));
    state.partial = '';
  }
  const newLines = parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l).slice(0, MAX_LINE_CHARS));
  state.lines.push(...newLines);
  for (const line of newLines) state.chars += line.length;
  let drop = 0;
  while (state.lines.length - drop > 1 && (state.lines.length - drop > KEEP_LINES || state.chars > KEEP_CHARS)) {
    state.chars -= state.lines[drop]!.length;
    drop += 1;
  }
  if (drop > 0) {
    state.lines.splice(0, drop);
    state.dropped += drop;
  }
  return newLines;
}

/** The line at `index` (in all lines ever read) with a few lines around it, capped. */
export function excerptAround(state: LogState, index: number | undefined, context = 3, maxChars = 4000): string {
  const at = index === undefined ? state.lines.length - 1 : index - state.dropped;
  const from = Math.max(0, at - context);
  const lines = state.lines.slice(from, Math.max(from, at + context + 1)).map((l) => (l.length > 400 ? `${l.slice(0, 400)} …` : l));
  let out = lines.join('\n');
  if (out.length > maxChars) out = `${out.slice(0, maxChars)} …`;
  return out;
}
