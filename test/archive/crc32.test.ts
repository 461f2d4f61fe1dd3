import { describe, expect, it } from 'vitest';
import { crc32, tableCrc32 } from '../../src/archive/crc32.ts';

describe('crc32', () => {
  const check = Buffer.from('123456789');
  it('gives the standard check value, native or table', () => {
    expect(crc32(check)).toBe(0xcbf43926);
    expect(tableCrc32(check)).toBe(0xcbf43926);
  });

  it('continues across chunks the same way', () => {
    const data = Buffer.from('the quick brown fox jumps over the lazy dog');
    const whole = tableCrc32(data);
    expect(tableCrc32(data.subarray(10), tableCrc32(data.subarray(0, 10)))).toBe(whole);
    expect(crc32(data.subarray(10), crc32(data.subarray(0, 10)))).toBe(whole);
  });
});
