import { describe, expect, it } from 'vitest';
import { OutputCap } from '../../src/hosts/output-cap.ts';

function capped(max: number, chunks: string[]): OutputCap {
  const cap = new OutputCap(max);
  for (const chunk of chunks) cap.push(Buffer.from(chunk));
  return cap;
}

describe('OutputCap', () => {
  it('keeps everything up to the cap', () => {
    const cap = capped(10, ['abc', 'defg', 'hij']);
    expect([cap.truncated, cap.toString()]).toEqual([false, 'abcdefghij']);
  });

  it('keeps the head and the tail and counts what it dropped, across chunk borders', () => {
    const cap = capped(6, ['ab', 'cdefg', 'hijk', 'lm']);
    expect(cap.truncated).toBe(true);
    expect(cap.toString()).toBe('abc\n[... 7 bytes elided ...]\nklm');
  });

  it('keeps the tail when one chunk is bigger than the whole cap', () => {
    expect(capped(4, ['0123456789']).toString()).toBe('01\n[... 6 bytes elided ...]\n89');
  });
});
