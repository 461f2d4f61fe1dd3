// The process entry: everything else is importable without side effects.
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
