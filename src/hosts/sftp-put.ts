import { open, type FileHandle } from 'node:fs/promises';
import type { SFTPWrapper } from 'ssh2';

/** Disk reads: ssh2's fastPut reads one write request (128 KiB) at a time, 8 times as many. */
const READ_BYTES = 1 << 20;
/** One SFTP write request. */
const WRITE_BYTES = 128 * 1024;
/**
 * Requests in flight: 2 MiB, as fast on loopback as 64 (FIELD-NOTES; `npm run bench`), with a
 * quarter of the buffers, which matters when four platforms upload at once. On a real link,
 * 2 MiB in flight over 20 ms RTT allows 100 MB/s.
 */
const IN_FLIGHT = 16;

export interface PutOptions {
  /** The remote file's mode, set exactly (an open's mode passes through the server's umask). */
  mode: number;
  onProgress?: (sent: number, total: number) => void;
}

/**
 * Copies a local file to `remotePath` over SFTP, creating or truncating it: pipelined writes
 * fed from large disk reads. Settles once the server has acknowledged every byte and closed
 * the file. On an error the remote file is closed (as far as the channel allows) and left
 * for the caller's cleanup.
 */
export async function sftpPut(sftp: SFTPWrapper, localPath: string, remotePath: string, options: PutOptions): Promise<void> {
  const file = await open(localPath, 'r');
  try {
    const { size } = await file.stat();
    const handle = await call<Buffer>((done) => sftp.open(remotePath, 'w', done));
    try {
      await call<void>((done) => sftp.fchmod(handle, options.mode, done));
      await writeAll(sftp, handle, file, size, options.onProgress);
    } catch (error) {
      await call<void>((done) => sftp.close(handle, done)).catch(() => undefined);
      throw error;
    }
    await call<void>((done) => sftp.close(handle, done));
  } finally {
    await file.close();
  }
}

async function writeAll(sftp: SFTPWrapper, handle: Buffer, file: FileHandle, size: number, onProgress: PutOptions['onProgress']): Promise<void> {
  const spare: Buffer[] = [];
  let inFlight = 0;
  let acked = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const settle = (): void => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const until = async (ready: () => boolean): Promise<void> => {
    while (!ready()) await new Promise<void>((resolve) => (wake = resolve));
  };

  for (let position = 0; position < size && !failure; position += READ_BYTES) {
    const block = spare.pop() ?? Buffer.allocUnsafeSlow(READ_BYTES);
    const length = Math.min(READ_BYTES, size - position);
    const { bytesRead } = await file.read(block, 0, length, position);
    if (bytesRead !== length) throw new Error(`${length - bytesRead} bytes of the local file vanished while it was sent`);
    // The block is reused once every piece of it is acknowledged (ssh2 reads it again to split
    // a piece longer than the server's write limit). The 1 is this loop's own hold.
    let holds = 1;
    const release = (): void => {
      if (--holds === 0) spare.push(block);
    };
    for (let offset = 0; offset < length && !failure; offset += WRITE_BYTES) {
      await until(() => inFlight < IN_FLIGHT || failure !== undefined);
      if (failure) break;
      const piece = Math.min(WRITE_BYTES, length - offset);
      inFlight++;
      holds++;
      sftp.write(handle, block, offset, piece, position + offset, (err) => {
        inFlight--;
        if (err) failure ??= err;
        else {
          acked += piece;
          onProgress?.(acked, size);
        }
        release();
        settle();
      });
    }
    release();
  }
  await until(() => inFlight === 0);
  if (failure) throw failure;
}

function call<T>(start: (done: (err: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));
}
