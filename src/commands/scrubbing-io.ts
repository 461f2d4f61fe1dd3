import { Writable } from 'node:stream';
import { tokenPattern } from '../github/scrub-token.ts';
import type { CliIo } from './io.ts';

type Out = CliIo['stdout'];

/**
 * The io every command gets: whatever it prints passes one last scrub of the GitHub token (in
 * every form `tokenPattern` knows), however the text got there: the tokens in the environment,
 * and any found later (`keepSecret`). Messages from GitHub are scrubbed where they arise too;
 * this catches what no one thought of.
 */
export function scrubbingIo(io: CliIo): CliIo & { keepSecret: (secret: string) => void } {
  const patterns = [io.env.GH_TOKEN, io.env.GITHUB_TOKEN, io.env.GH_ENTERPRISE_TOKEN, io.env.GITHUB_ENTERPRISE_TOKEN]
    .filter((token): token is string => typeof token === 'string' && token !== '')
    .map(tokenPattern)
    .filter((pattern): pattern is RegExp => pattern !== null);
  const keepSecret = (secret: string): void => {
    const pattern = tokenPattern(secret);
    if (pattern) patterns.push(pattern);
  };
  return { ...io, stdout: scrubbing(io.stdout, patterns), stderr: scrubbing(io.stderr, patterns), keepSecret };
}

/** `patterns` is read at each write: a secret kept later applies from then on. */
function scrubbing(out: Out, patterns: readonly RegExp[]): Out {
  const clean = (text: string) => patterns.reduce((t, pattern) => t.replace(pattern, '[token]'), text);
  // Passed on at once, in order: each write is whole (a line, a table, a report), never split.
  const writable = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      out.write(clean(typeof chunk === 'string' ? chunk : chunk.toString('utf8')));
      done();
    },
  });
  return Object.assign(writable, {
    isTTY: out.isTTY,
    get columns() {
      return out.columns;
    },
  });
}
