import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'smoke-heap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs a child that moves Buffers as a run does (few objects on V8's heap, tens of MB of
 * Buffers in flight) and returns the growing factor V8 applied at each full collection, as
 * `--trace-gc-verbose` prints it ("[HeapController] Limit: ... (1.3)").
 */
async function factorsApplied(grow: boolean): Promise<number[]> {
  const script = join(dir, `churn-${grow}.mts`);
  writeFileSync(
    script,
    [
      `import { letHeapGrow } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'src', 'heap-growth.ts')).href)};`,
      grow ? 'letHeapGrow();' : '',
      'const live = Array.from({ length: 150_000 }, (_, i) => ({ i, s: `item ${i}` }));',
      'const inFlight: Buffer[] = [];',
      'for (let i = 0; i < 800; i++) {',
      '  inFlight.push(Buffer.allocUnsafe(1 << 20).fill(i & 0xff));',
      '  if (inFlight.length > 40) inFlight.shift();',
      '  if (i % 8 === 0) await new Promise((r) => setImmediate(r));',
      '}',
      'console.log(live.length);',
    ].join('\n'),
  );
  const { stdout } = await promisify(execFile)(process.execPath, ['--trace-gc-verbose', '--import', 'tsx', script], { maxBuffer: 64 * 1024 * 1024 });
  return [...stdout.matchAll(/\[HeapController\] Limit: .*\(([\d.]+)\)$/gm)].map((m) => Number(m[1]));
}

describe('letHeapGrow', () => {
  it('makes V8 apply its largest growing factor, 4, at every full collection, where it would pick less', async () => {
    const [left, grown] = await Promise.all([factorsApplied(false), factorsApplied(true)]);
    // The control: on its own V8 tightens the limit under this load (it did at most of 20+ collections).
    expect(left.length).toBeGreaterThan(3);
    expect(left.some((f) => f < 4)).toBe(true);
    expect(grown.length).toBeGreaterThan(0);
    expect(new Set(grown)).toEqual(new Set([4]));
  }, 30_000);
});
