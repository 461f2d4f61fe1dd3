// The process entry: everything else is importable without side effects.
import { main } from './cli.ts';
import { letHeapGrow } from './heap-growth.ts';

letHeapGrow();

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
