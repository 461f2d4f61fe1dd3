import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Client, ClientChannel } from 'ssh2';
import { errorText } from '../domain/errors.ts';
import { OutputCap } from './output-cap.ts';
import { signalChannel } from './signal-channel.ts';

/** Disk reads, each written to the channel whole (ssh2 splits it into packets). */
const READ_BYTES = 1 << 20;

export interface ExecPut {
  /** Settles once every byte went in, stdin was closed and the command exited 0. */
  done: Promise<void>;
  /** Ends the command (timeout, cancel): KILL where sshd honours it, then the channel. */
  stop(): void;
}

/**
 * Streams a local file into the stdin of `command` (a `Shell.receiveFile` command) over one
 * exec channel. On loopback this cost a quarter less CPU than SFTP on the host and 10-15% less
 * here, and moved 20% more bytes a second: no SFTP request, copy and status reply per 128 KiB.
 * A command that exits non-zero fails with the first line it wrote to stderr.
 */
export function execPut(client: Client, command: string, localPath: string, onProgress?: (sent: number, total: number) => void): ExecPut {
  let channel: ClientChannel | undefined;
  let closed = false;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    if (!channel || closed) return;
    signalChannel(channel, 'KILL');
    channel.close();
  };
  const done = (async () => {
    const { size } = await stat(localPath);
    const opened = await new Promise<ClientChannel>((resolve, reject) => client.exec(command, (err, ch) => (err ? reject(err) : resolve(ch))));
    channel = opened;
    if (stopped) {
      stop();
      throw new Error('stopped before it started');
    }
    const stderr = new OutputCap(16 * 1024);
    let exitCode: number | null = null;
    opened.on('exit', (code: number | null) => {
      exitCode = typeof code === 'number' ? code : null;
    });
    opened.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A channel with unread output never emits 'close'.
    opened.on('data', () => undefined);
    const ended = new Promise<void>((resolve) =>
      opened.once('close', () => {
        closed = true;
        resolve();
      }),
    );
    const file = createReadStream(localPath, { highWaterMark: READ_BYTES });
    let sent = 0;
    file.on('data', (chunk) => {
      sent += chunk.length;
      onProgress?.(sent, size);
    });
    const [piped] = await Promise.allSettled([pipeline(file, opened), ended]);
    const said = stderr.toString().split('\n').find((line) => line.trim() !== '')?.trim();
    if (piped.status === 'rejected') throw new Error(said ?? errorText(piped.reason));
    if (exitCode !== 0) throw new Error(said ?? (exitCode === null ? 'the command ended without an exit code' : `the command exited ${exitCode}`));
  })();
  return { done, stop };
}

