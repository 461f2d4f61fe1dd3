import { join } from 'node:path';
import type { PlatformId } from '../../src/domain/platform.ts';

/** esbuild's real Go binaries (scripts/fetch-test-binaries.mjs), by release platform. */
export const TEST_BINARIES_DIR = join(import.meta.dirname, '..', '.fixtures', 'binaries');

export const TEST_BINARIES: ReadonlyArray<{ platform: PlatformId; file: string }> = [
  { platform: 'linux/amd64', file: join(TEST_BINARIES_DIR, 'linux-amd64') },
  { platform: 'linux/arm64', file: join(TEST_BINARIES_DIR, 'linux-arm64') },
  { platform: 'windows/amd64', file: join(TEST_BINARIES_DIR, 'windows-amd64.exe') },
  { platform: 'darwin/arm64', file: join(TEST_BINARIES_DIR, 'darwin-arm64') },
];

/** A seeded generator (mulberry32): random chunk sizes that a failing run can repeat. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The bytes cut into chunks of random sizes from 1 to `max`, each a copy (as a stream would hand them). */
export function* randomChunks(bytes: Buffer, seed: number, max: number): Generator<Buffer> {
  const random = seededRandom(seed);
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * max);
    yield Buffer.from(bytes.subarray(at, at + size));
    at += size;
  }
}
