import { stat } from 'node:fs/promises';
import type { Client, SFTPWrapper } from 'ssh2';
import type { HostConfig } from '../config/types.ts';
import { errorText, HostError } from '../domain/errors.ts';
import type { ExecOptions, ExecResult, Remote, UploadOptions } from './remote.ts';
import { execPut } from './exec-put.ts';
import { sftpPut } from './sftp-put.ts';
import { shellFor } from '../shells/shell-for.ts';
import { execOnClient } from './ssh-exec.ts';
import { StepTracker, type Step } from './step.ts';
import { formatDuration } from '../domain/format-duration.ts';

const CLOSE_TIMEOUT_MS = 5_000;

/** A `Remote` over one ready ssh2 connection. Create it with `connectHost`. */
export class SshRemote implements Remote {
  private open = true;
  private closing = false;
  private lastError: Error | undefined;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private readonly steps = new StepTracker();

  constructor(
    readonly host: HostConfig,
    private readonly client: Client,
    readonly insecureHostKey: boolean,
  ) {
    // Without an 'error' listener a dropped connection would crash the process.
    client.on('error', (err) => {
      this.lastError = err;
    });
    client.on('close', () => {
      this.open = false;
      const why = this.closing ? 'connection closed' : 'connection lost';
      const detail = this.lastError ? ` (${this.lastError.message})` : '';
      this.steps.abortAll((what) => new HostError(host.name, `${why} during ${what}${detail}`, { cause: this.lastError }));
    });
  }

  get connected(): boolean {
    return this.open;
  }

  exec(command: string, options: ExecOptions): Promise<ExecResult> {
    const shell = shellFor(this.host);
    return this.step('a command', (step: Step<ExecResult>) => execOnClient(this.client, this.host.name, command, options, step)).then((result) => shell.readExit(result));
  }

  upload(localPath: string, remotePath: string, options: UploadOptions): Promise<void> {
    return this.step(`upload to ${remotePath}`, (step) => {
      if (options.receiver !== undefined) {
        // A timeout or a cancel ends the receiving command; the SFTP session is not involved.
        this.timeLimit(step, options.timeoutMs, `upload to ${remotePath}`, false);
        const put = execPut(this.client, options.receiver, localPath, options.onProgress);
        step.onFinish(() => put.stop());
        put.done.then(
          () => step.done(),
          (err: unknown) => step.fail(this.failed(`upload to ${remotePath}`, err)),
        );
        return;
      }
      this.timeLimit(step, options.timeoutMs, `upload to ${remotePath}`);
      Promise.all([this.sftp(), stat(localPath)]).then(([sftp, local]) => {
        if (step.finished) return;
        const put = { mode: options.mode ?? local.mode & 0o777, ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
        sftpPut(sftp, localPath, remotePath, put).then(
          () => step.done(),
          (err: unknown) => step.fail(this.failed(`upload to ${remotePath}`, err)),
        );
      }, (err: unknown) => step.fail(this.failed(`upload of ${localPath}`, err)));
    });
  }

  writeFile(remotePath: string, content: string, options: { timeoutMs: number; mode?: number }): Promise<void> {
    return this.step(`writing ${remotePath}`, (step) => {
      this.timeLimit(step, options.timeoutMs, `writing ${remotePath}`);
      this.sftp().then((sftp) => {
        if (step.finished) return;
        sftp.writeFile(remotePath, content, (err) => {
          if (err) return step.fail(this.failed(`writing ${remotePath}`, err));
          if (options.mode === undefined) return step.done();
          // The open's mode passes through the server's umask; chmod sets it exactly.
          sftp.chmod(remotePath, options.mode, (chmodErr) => {
            if (chmodErr) step.fail(this.failed(`chmod of ${remotePath}`, chmodErr));
            else step.done();
          });
        });
      }, (err: unknown) => step.fail(this.failed(`writing ${remotePath}`, err)));
    });
  }

  close(): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, CLOSE_TIMEOUT_MS);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }

  private step<T>(what: string, body: (step: Step<T>) => void): Promise<T> {
    if (!this.open) {
      return Promise.reject(new HostError(this.host.name, `not connected (${what})`));
    }
    return this.steps.run(what, body);
  }

  private timeLimit(step: Step<void>, ms: number, what: string, overSftp = true): void {
    const timer = setTimeout(() => {
      if (overSftp) {
        // The SFTP session may be stuck mid-transfer: drop it, the next step opens a new one.
        this.sftpSession?.then((sftp) => sftp.end(), () => undefined);
        this.sftpSession = undefined;
      }
      step.fail(new HostError(this.host.name, `${what} timed out after ${formatDuration(ms)}`));
    }, ms);
    step.onFinish(() => clearTimeout(timer));
  }

  private sftp(): Promise<SFTPWrapper> {
    if (!this.sftpSession) {
      const session = new Promise<SFTPWrapper>((resolve, reject) => {
        this.client.sftp((err, sftp) => {
          if (err) return reject(err);
          const forget = () => {
            if (this.sftpSession === session) this.sftpSession = undefined;
          };
          // A broken SFTP channel fails its own requests; the next step opens a fresh one.
          sftp.on('error', forget);
          sftp.on('close', forget);
          resolve(sftp);
        });
      });
      session.catch(() => {
        if (this.sftpSession === session) this.sftpSession = undefined;
      });
      this.sftpSession = session;
    }
    return this.sftpSession;
  }

  /** `<what> failed: <the library's or the host's message>`, for the step's error. */
  private failed(what: string, err: unknown): HostError {
    return new HostError(this.host.name, `${what} failed: ${errorText(err)}`, { cause: err });
  }
}
