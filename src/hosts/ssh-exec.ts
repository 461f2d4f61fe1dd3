import type { Client, ClientChannel } from 'ssh2';
import { HostError } from '../domain/errors.ts';
import { OutputCap } from './output-cap.ts';
import { capturedResult, consumer } from './output-consumer.ts';
import type { ExecOptions, ExecResult } from './remote.ts';
import { signalChannel } from './signal-channel.ts';
import type { Step } from './step.ts';

/** Per stream, when the caller sets no cap: enough for any log worth reading. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * Runs one command on an open connection. A timeout closes the channel and resolves with
 * `timedOut`; the remote process may outlive that (the probes stop process groups themselves).
 */
export function execOnClient(
  client: Client,
  hostName: string,
  command: string,
  options: ExecOptions,
  step: Step<ExecResult>,
): void {
  const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const stdout = new OutputCap(max);
  const stderr = new OutputCap(max);
  let channel: ClientChannel | undefined;
  let exitCode: number | null = null;
  let exitSignal: string | null = null;
  const result = (timedOut: boolean): ExecResult => capturedResult(stdout, stderr, { timedOut, exitCode, signal: exitSignal });
  const stop = () => {
    // Ignored by sshd for root logins, honoured for others; closing alone leaves the process.
    if (channel) signalChannel(channel, 'KILL');
    channel?.close();
  };

  const timer = setTimeout(() => {
    stop();
    step.done(result(true));
  }, options.timeoutMs);
  step.onFinish(() => clearTimeout(timer));
  if (options.signal && !cancelOn(options.signal, step, hostName, stop)) return;

  client.exec(command, (err, opened) => {
    if (err) return step.fail(new HostError(hostName, `cannot start a command: ${err.message}`, { cause: err }));
    channel = opened;
    if (step.finished) return stop(); // timed out or cancelled while starting: sshd has its PID now
    opened.on('data', consumer('stdout', stdout, opened, options));
    opened.stderr.on('data', consumer('stderr', stderr, opened.stderr, options));
    opened.on('exit', (code: number | null, signalName?: string) => {
      exitCode = typeof code === 'number' ? code : null;
      exitSignal = signalName ?? null;
    });
    opened.on('close', () => step.done(result(false)));
    opened.end(options.stdin ?? '');
  });
}

/** Ends the command when `signal` aborts; false when it already has (nothing is started then). */
function cancelOn(signal: AbortSignal, step: Step<ExecResult>, hostName: string, stop: () => void): boolean {
  if (signal.aborted) {
    step.fail(new HostError(hostName, 'command cancelled before it started'));
    return false;
  }
  const onAbort = () => {
    stop();
    step.fail(new HostError(hostName, 'command cancelled'));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  step.onFinish(() => signal.removeEventListener('abort', onAbort));
  return true;
}
