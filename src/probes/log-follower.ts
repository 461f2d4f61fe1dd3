import type { Remote } from '../hosts/remote.ts';
import type { Shell } from '../shells/shell.ts';
import { HostError } from '../domain/errors.ts';
import { runOnHost } from './run-on-host.ts';

/** Bytes read per poll: a noisy daemon cannot make one answer huge. */
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

/**
 * One poll of a background process's log on the host: whether its leader still runs, and the
 * complete lines written since the last poll. The offset is the host's byte count, so a
 * multi-byte character cut at a chunk's edge never shifts later reads. `more` says the
 * chunk was full: read again at once instead of waiting for the next poll.
 */
export async function pollLog(
  remote: Remote,
  shell: Shell,
  options: { logFile: string; pidFile: string; state: LogState; timeoutMs: number },
): Promise<{ alive: boolean; newLines: string[]; more: boolean }> {
  const { state } = options;
  const res = await runOnHost(
    remote,
    shell.pollLog({ logFile: options.logFile, offset: state.offset, maxBytes: CHUNK_BYTES, pidFile: options.pidFile }),
    'read the log',
    { timeoutMs: options.timeoutMs, maxOutputBytes: CHUNK_BYTES * 2 },
  );
  const newline = res.stdout.indexOf('\n');
  const head = /^([01]) (\d+)\r?$/.exec(newline < 0 ? res.stdout : res.stdout.slice(0, newline));
  if (res.exitCode !== 0 || !head) {
    throw new HostError(remote.host.name, `read the log: unexpected answer ${JSON.stringify(res.stdout.slice(0, 80))} ${res.stderr.slice(0, 200)}`);
  }
  const more = Number(head[2]) - state.offset >= CHUNK_BYTES;
  state.offset = Number(head[2]);
  const text = state.partial + res.stdout.slice(newline + 1);
  const parts = text.split('\n');
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
  return { alive: head[1] === '1', newLines, more };
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

