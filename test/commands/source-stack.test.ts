import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceStack } from '../../src/source-stack.ts';

const dir = mkdtempSync(join(tmpdir(), 'source-stack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Bundles `source` as bin/bundle.mjs does (linked map, no sources inside) and gives the stack
 * frame V8 would print for its `new Error`. Written, not thrown: vitest maps thrown stacks itself.
 */
async function bundledFrame(source: string, sourcemap: 'linked' | false): Promise<string> {
  const name = `thrower-${String(sourcemap)}`;
  writeFileSync(join(dir, `${name}.ts`), source);
  const outfile = join(dir, 'dist', `${name}.mjs`);
  await build({ entryPoints: [join(dir, `${name}.ts`)], outfile, bundle: true, format: 'esm', platform: 'node', sourcemap, sourcesContent: false, logLevel: 'error' });
  const lines = readFileSync(outfile, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes('new Error'));
  return `Error: boom 1\n    at boom (${pathToFileURL(outfile).href}:${line + 1}:${lines[line]!.indexOf('new Error') + 1})`;
}

// Line 8, column 9 of the source is the `new Error`; types and comments gone, the bundle has it higher.
const SOURCE = [
  'interface Padding {',
  '  pad: number;',
  '}',
  'const padding: Padding = { pad: 1 };',
  '',
  'export function boom(): never {',
  '  // Says which pad.',
  '  throw new Error(`boom ${padding.pad}`);',
  '}',
  '',
].join('\n');

describe('sourceStack', () => {
  it('moves a bundle frame to the source file, line and column it was built from', async () => {
    const frame = await bundledFrame(SOURCE, 'linked');
    expect(frame).not.toContain('.mjs:8:');
    expect(sourceStack(frame)).toBe(`Error: boom 1\n    at boom (${join(dir, 'thrower-linked.ts')}:8:9)`);
  });

  it('leaves frames without a map, and text that is no frame, as they are', async () => {
    const frame = await bundledFrame(SOURCE, false);
    expect(sourceStack(frame)).toBe(frame);
    const odd = 'Error: x\n    at f (file:///nowhere/missing.mjs:1:2)\n    at node:internal/process/task_queues:95:5';
    expect(sourceStack(odd)).toBe(odd);
  });
});
