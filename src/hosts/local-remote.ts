import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, stat, writeFile } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LocalHostConfig } from '../config/types.ts';
import { errorText, HostError } from '../domain/errors.ts';
import { formatDuration } from '../domain/format-duration.ts';
import { localArgv } from './local-command.ts';
import { execLocally } from './local-exec.ts';
import type { ExecOptions, ExecResult, Remote, UploadOptions } from './remote.ts';
import { StepTracker, type Step } from './step.ts';

/**
 * A `Remote` for `transport: local`: the machine running smoke is the host (a CI runner of that
 * platform). Commands are the same dialect's texts, run as child processes; an upload is a
 * streamed local copy into the run directory. Nothing is listening and nothing is logged in.
 */
export class LocalRemote implements Remote {
  readonly insecureHostKey = false;
  private open = true;
  private readonly steps = new StepTracker();

  constructor(readonly host: LocalHostConfig) {}

  get connected(): boolean {
    return this.open;
  }

  exec(command: string, options: ExecOptions): Promise<ExecResult> {
    return this.step('a command', (step) => execLocally(localArgv(this.host.shell, command), this.host.name, options, step));
  }

  upload(localPath: string, remotePath: string, options: UploadOptions): Promise<void> {
    const what = `copy to ${remotePath}`;
    return this.step(what, (step) => {
      const abort = new AbortController();
      this.timeLimit(step, options.timeoutMs, what, abort);
      const copy = async (): Promise<void> => {
        const local = await stat(localPath);
        let sent = 0;
        const count = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            sent += chunk.length;
            options.onProgress?.(sent, local.size);
            callback(null, chunk);
          },
        });
        const mode = options.mode ?? local.mode & 0o777;
        await pipeline(createReadStream(localPath), count, createWriteStream(remotePath, { mode }), { signal: abort.signal });
        await chmod(remotePath, mode); // the open's mode passed through the umask
      };
      copy().then(
        () => step.done(),
        (err: unknown) => step.fail(this.failed(what, err)),
      );
    });
  }

  writeFile(remotePath: string, content: string, options: { timeoutMs: number; mode?: number }): Promise<void> {
    const what = `writing ${remotePath}`;
    return this.step(what, (step) => {
      const abort = new AbortController();
      this.timeLimit(step, options.timeoutMs, what, abort);
      const write = async (): Promise<void> => {
        await writeFile(remotePath, content, { signal: abort.signal });
        if (options.mode !== undefined) await chmod(remotePath, options.mode);
      };
      write().then(
        () => step.done(),
        (err: unknown) => step.fail(this.failed(what, err)),
      );
    });
  }

  /** Ends whatever still runs (its commands are killed) and refuses further steps. */
  close(): Promise<void> {
    if (this.open) {
      this.open = false;
      this.steps.abortAll((what) => new HostError(this.host.name, `closed during ${what}`));
    }
    return Promise.resolve();
  }

  private step<T>(what: string, body: (step: Step<T>) => void): Promise<T> {
    if (!this.open) return Promise.reject(new HostError(this.host.name, `closed (${what})`));
    return this.steps.run(what, body);
  }

  private timeLimit(step: Step<void>, ms: number, what: string, abort: AbortController): void {
    const timer = setTimeout(() => {
      abort.abort();
      step.fail(new HostError(this.host.name, `${what} timed out after ${formatDuration(ms)}`));
    }, ms);
    step.onFinish(() => clearTimeout(timer));
    step.onFinish(() => abort.abort()); // closed meanwhile: stop the copy too
  }

  private failed(what: string, err: unknown): HostError {
    return new HostError(this.host.name, `${what} failed: ${errorText(err)}`, { cause: err });
  }
}
