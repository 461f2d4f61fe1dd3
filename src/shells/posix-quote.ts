import { SmokeError } from '../domain/errors.ts';

/** One argument for sh, single-quoted: nothing in it is expanded. */
export function quotePosix(arg: string): string {
  if (arg.includes('\0')) throw new SmokeError(`cannot pass ${JSON.stringify(arg)} to a shell: it holds a NUL byte`);
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
