import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { HostError } from '../domain/errors.ts';
import { localHostEnv } from './local-env.ts';
import { OutputCap } from './output-cap.ts';
import { capturedResult, consumer } from './output-consumer.ts';
import type { ExecOptions, ExecResult } from './remote.ts';
import { DEFAULT_MAX_OUTPUT_BYTES } from './ssh-exec.ts';
import type { Step } from './step.ts';

/**
 * Runs one command as a child process of smoke, with what `execOnClient` gives over SSH: a
 * timeout that resolves with `timedOut`, a cancel that rejects, capped output and paused reads
 * while `onOutput`'s promise is pending. Off Windows the child leads its own process group, so
 * a timeout or cancel kills all it started in the foreground, as sshd's KILL does; what a probe
 * started in the background has its own group and is stopped by the probe's cleanup.
 */
export function execLocally(argv: string[], hostName: string, options: ExecOptions, step: Step<ExecResult>): void {
  const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const stdout = new OutputCap(max);
  const stderr = new OutputCap(max);
  const result = (timedOut: boolean, exitCode: number | null, signal: string | null): ExecResult => capturedResult(stdout, stderr, { timedOut, exitCode, signal });
  if (options.signal?.aborted) return step.fail(new HostError(hostName, 'command cancelled before it started'));

  const [program, ...args] = argv;
  const child = spawn(program!, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: localHostEnv(process.env),
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  let exit: { code: number | null; signal: string | null } | undefined;
  let closed = false;
  const timer = setTimeout(() => step.done(result(true, null, null)), options.timeoutMs);
  step.onFinish(() => clearTimeout(timer));
  // Whoever settles the step (timeout, cancel, the connection closing) leaves nothing running.
  step.onFinish(() => {
    if (!closed) killTree(child);
  });
  if (options.signal) {
    const signal = options.signal;
    const onAbort = () => step.fail(new HostError(hostName, 'command cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    step.onFinish(() => signal.removeEventListener('abort', onAbort));
  }

  const consume = (name: 'stdout' | 'stderr', cap: OutputCap, stream: Readable) => {
    const feed = consumer(name, cap, stream, options);
    // Once the result is out, what the dying group still writes is not ours.
    stream.on('data', (chunk: Buffer) => step.finished || feed(chunk));
  };
  consume('stdout', stdout, child.stdout!);
  consume('stderr', stderr, child.stderr!);
  child.on('error', (err) => step.fail(new HostError(hostName, `cannot start ${program}: ${err.message}`, { cause: err })));
  child.on('exit', (code, signal) => {
    exit = { code, signal };
  });
  // 'close' comes after both streams ended, so the output is complete.
  child.on('close', (code, signal) => {
    closed = true;
    step.done(result(false, exit?.code ?? code, exit?.signal ?? signal));
  });
  // A command that exits without reading its stdin makes the write fail with EPIPE: not an error.
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(options.stdin ?? '');
}

function killTree(child: ChildProcess): void {
  // The shell may have exited while what it started still holds the pipes: the group, not the child.
  if (child.pid === undefined) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/T', '/F', '/PID', String(child.pid)], { stdio: 'ignore', windowsHide: true }).on('error', () => child.kill());
    return;
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch (err) {
    // ESRCH: the group is gone already. Anything else: at least the child itself.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') child.kill('SIGKILL');
  }
}
