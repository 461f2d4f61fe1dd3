import { expect, it } from 'vitest';
import { parseSize } from '../../src/config/parse-size.ts';

it('reads integers, SI and binary units', () => {
  expect(parseSize(20_000_000)).toBe(20_000_000);
  expect(parseSize('20MB')).toBe(20_000_000);
  expect(parseSize('20 mb')).toBe(20_000_000);
  expect(parseSize('2GiB')).toBe(2 * 1024 ** 3);
  expect(parseSize('1.5KiB')).toBe(1536);
  expect(parseSize('512')).toBe(512);
  expect(parseSize('10B')).toBe(10);
});

it('refuses what is not a size', () => {
  for (const bad of ['20XB', 'MB', '-1', '1e3', '', 'twenty', 1.5, -3, null, true, {}]) expect(parseSize(bad)).toBeUndefined();
});
