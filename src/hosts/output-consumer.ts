import { StringDecoder } from 'node:string_decoder';
import type { OutputCap } from './output-cap.ts';
import type { ExecOptions, ExecResult } from './remote.ts';

/**
 * Reads one of the command's streams into its cap and to `onOutput`. Always read both streams:
 * a channel with unread data never emits 'close'. A pause only lasts until the consumer's
 * promise settles.
 */
export function consumer(name: 'stdout' | 'stderr', cap: OutputCap, stream: NodeJS.ReadableStream, options: ExecOptions): (chunk: Buffer) => void {
  const decoder = new StringDecoder('utf8');
  return (chunk: Buffer) => {
    cap.push(chunk);
    const later = options.onOutput?.(name, decoder.write(chunk));
    if (!later) return;
    // Unread, the channel's window (or the pipe) fills and the command's writes wait: memory stays flat.
    stream.pause();
    const resume = () => stream.resume();
    later.then(resume, resume);
  };
}

/** The result of a command whose streams went into these caps; a timed-out one has no exit status. */
export function capturedResult(stdout: OutputCap, stderr: OutputCap, end: { timedOut: boolean; exitCode: number | null; signal: string | null }): ExecResult {
  return {
    exitCode: end.timedOut ? null : end.exitCode,
    signal: end.timedOut ? null : end.signal,
    stdout: stdout.toString(),
    stderr: stderr.toString(),
    timedOut: end.timedOut,
    truncated: stdout.truncated || stderr.truncated,
  };
}
