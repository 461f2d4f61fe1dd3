import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { HostError } from '../domain/errors.ts';
import type { Remote } from '../hosts/remote.ts';
import { FOLLOW_TOO_LONG, type Shell } from '../shells/shell.ts';
import { LogFrames, type LogFrame } from './log-frames.ts';
import { firstLine, runOnHost } from '../hosts/run-on-host.ts';
import { formatDuration } from '../domain/format-duration.ts';

/** Bytes read at most per frame: a noisy daemon cannot make one frame huge. */
const CHUNK_BYTES = 1024 * 1024;
/** A line without a newline this long is cut: a log is not a place for megabyte lines. */
const MAX_LINE_CHARS = 16 * 1024;
/** Lines kept for the excerpt; older ones are dropped and counted. */
const KEEP_LINES = 2000;

export interface LogState {
  offset: number;
  partial: string;
  lines: string[];
  dropped: number;
}

export function newLogState(): LogState {
  return { offset: 0, partial: '', lines: [], dropped: 0 };
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
  private readonly ended: Promise<never>;
  private wake: (() => void) | undefined;
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
        if (stream !== 'stdout' || broken) return;
        try {
          const at = performance.now();
          for (const frame of frames.push(chunk)) this.reads.push({ ...frame, at });
        } catch (error) {
          broken = error instanceof Error ? error : new Error(String(error));
          this.abort.abort();
        }
        this.wake?.();
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
    const more = frame.offset - state.offset >= CHUNK_BYTES;
    state.offset = frame.offset;
    return { alive: frame.alive, newLines: addText(state, frame.text), more, at: frame.at };
  }

  stop(): void {
    this.abort.abort();
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
  if (state.lines.length > KEEP_LINES) {
    const extra = state.lines.length - KEEP_LINES;
    state.lines.splice(0, extra);
    state.dropped += extra;
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
