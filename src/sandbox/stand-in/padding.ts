import { createCipheriv } from 'node:crypto';

export type Padding = 'zeros' | 'random';

const CHUNK = 1024 * 1024;

/**
 * `total` bytes of padding in 1 MiB chunks, never all in memory. `random` is AES-CTR over zeros
 * with a key from `seed`: incompressible (archives as large as real builds) yet reproducible, so
 * the same fixture always has the same checksum.
 */
export function* paddingChunks(total: number, padding: Padding, seed: string): Generator<Buffer> {
  const zeros = Buffer.alloc(Math.min(CHUNK, Math.max(total, 0)));
  const key = Buffer.alloc(16);
  key.write(seed.slice(0, 16), 'latin1');
  const cipher = padding === 'random' ? createCipheriv('aes-128-ctr', key, Buffer.alloc(16)) : undefined;
  for (let left = total; left > 0; left -= CHUNK) {
    const plain = left >= CHUNK ? zeros : zeros.subarray(0, left);
    yield cipher ? cipher.update(plain) : plain;
  }
}
