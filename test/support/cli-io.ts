import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/commands/io.ts';
import { main } from '../../src/cli.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in this process with captured output and the given environment. */
export async function runCli(argv: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIo = { stdout, stderr, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } };
  const code = await main(argv, io);
  return { code, stdout: out, stderr: err };
}
