import { Writable } from 'node:stream';
import type { CliIo } from '../../src/commands/io.ts';

export interface CapturedIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
}

/** A CliIo whose stdout and stderr land in strings, for running commands in-process. */
export function captureIo(): CapturedIo {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        out[key] += chunk.toString();
        done();
      },
    });
  return {
    io: { stdout: sink('stdout'), stderr: sink('stderr'), env: { PATH: process.env.PATH, HOME: process.env.HOME } },
    stdout: () => out.stdout,
    stderr: () => out.stderr,
  };
}
