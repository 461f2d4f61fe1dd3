import type { HostConfig } from '../config/types.ts';
import type { ExecResult } from '../domain/exec-result.ts';

export interface ExecOptions {
  timeoutMs: number;
  /** Written to the command's stdin, then stdin is closed. */
  stdin?: string;
  /** Keep at most this many bytes of each stream (head and tail, the middle elided). */
  maxOutputBytes?: number;
  /**
   * Called with each stdout/stderr chunk as it arrives (log streaming). A returned promise is
   * backpressure: that stream is not read until it settles, so the host's writes wait instead of
   * our memory growing.
   */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void | Promise<void>;
  signal?: AbortSignal;
}

export type { ExecResult } from '../domain/exec-result.ts';

export interface UploadOptions {
  timeoutMs: number;
  onProgress?: (bytes: number, total: number) => void;
  /** The remote file's mode; default: the local file's. */
  mode?: number;
  /**
   * A command (from `Shell.receiveFile`, which sets the mode itself) that writes its stdin to
   * the file: the bytes then go over an exec channel instead of SFTP.
   */
  receiver?: string;
}

/**
 * One connection to one test host, for the whole run. Implemented over ssh2 (hosts/ssh-remote.ts).
 * Commands are strings for the host's shell: build them only through a shells/ dialect.
 */
export interface Remote {
  readonly host: HostConfig;
  /**
   * True when the host key was not checked (`insecureAcceptAnyHostKey: true`), so reports can say so.
   * Optional so test fakes need not set it; the SSH adapter always does.
   */
  readonly insecureHostKey?: boolean;
  exec(command: string, options: ExecOptions): Promise<ExecResult>;
  upload(localPath: string, remotePath: string, options: UploadOptions): Promise<void>;
  writeFile(remotePath: string, content: string, options: { timeoutMs: number; mode?: number }): Promise<void>;
  /** True until the connection dropped or was closed. */
  readonly connected: boolean;
  close(): Promise<void>;
}
