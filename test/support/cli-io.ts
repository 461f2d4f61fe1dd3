import { Writable } from 'node:stream';
import type { CliIo } from '../../src/commands/io.ts';
import { main } from '../../src/cli.ts';

export interface CapturedIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
}

/** A CliIo whose stdout and stderr land in strings, for running commands in-process. */
export function captureIo(env: Record<string, string | undefined> = {}): CapturedIo {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        out[key] += chunk.toString();
        done();
      },
    });
  return {
    io: { stdout: sink('stdout'), stderr: sink('stderr'), env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } },
    stdout: () => out.stdout,
    stderr: () => out.stderr,
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in this process with captured output and the given environment. */
export async function runCli(argv: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const captured = captureIo(env);
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}
