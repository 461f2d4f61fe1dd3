import { open, stat } from 'node:fs/promises';
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
    const [piped] = await Promise.allSettled([pump(localPath, opened, ended, (sent) => onProgress?.(sent, size)), ended]);
    const said = stderr.toString().split('\n').find((line) => line.trim() !== '')?.trim();
    if (piped.status === 'rejected') throw new Error(said ?? errorText(piped.reason));
    if (exitCode !== 0) throw new Error(said ?? (exitCode === null ? 'the command ended without an exit code' : `the command exited ${exitCode}`));
  })();
  return { done, stop };
}

/**
 * Writes the file into the channel through two buffers used in turn, each read into again only
 * after the channel took its bytes (ssh2 copies them into packets, or holds the buffer until the
 * host's window opens). A fresh buffer per read, as a read stream makes, is 1 MiB of garbage per
 * MiB sent, which waits in the resident size for V8's next collection.
 */
async function pump(localPath: string, channel: ClientChannel, ended: Promise<void>, onSent: (sent: number) => void): Promise<void> {
  const closedEarly = ended.then(() => {
    throw new Error('the command ended before it read the whole file');
  });
  closedEarly.catch(() => undefined);
  const file = await open(localPath, 'r');
  try {
    const buffers = [Buffer.allocUnsafeSlow(READ_BYTES), Buffer.allocUnsafeSlow(READ_BYTES)];
    const writes: Array<Promise<void> | undefined> = [undefined, undefined];
    let sent = 0;
    for (let i = 0; ; i = 1 - i) {
      await Promise.race([writes[i], closedEarly]);
      const { bytesRead } = await file.read(buffers[i]!, 0, READ_BYTES, null);
      if (bytesRead === 0) break;
      const chunk = buffers[i]!.subarray(0, bytesRead);
      writes[i] = new Promise<void>((resolve, reject) => channel.write(chunk, (error?: Error | null) => (error ? reject(error) : resolve())));
      writes[i]!.catch(() => undefined);
      sent += bytesRead;
      onSent(sent);
    }
    await Promise.race([Promise.all(writes), closedEarly]);
    channel.end();
  } finally {
    await file.close();
  }
}
