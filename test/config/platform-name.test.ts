import { expect, it } from 'vitest';
import { platformNameProblem } from '../../src/config/platform-name.ts';

it('accepts os/arch in Go names', () => {
  for (const ok of ['linux/amd64', 'linux/arm64', 'windows/amd64', 'darwin/arm64', 'freebsd/riscv64']) expect(platformNameProblem(ok)).toBeUndefined();
});

it('suggests the Go name for common spellings', () => {
  const guess = (id: string): string | undefined => /did you mean "([^"]+)"/.exec(platformNameProblem(id) ?? '')?.[1];
  expect(guess('linux/x86_64')).toBe('linux/amd64');
  expect(guess('linux-arm64')).toBe('linux/arm64');
  expect(guess('macos/aarch64')).toBe('darwin/arm64');
  expect(guess('Windows/AMD64')).toBe('windows/amd64');
  expect(platformNameProblem('linux')).toBe('unknown platform "linux": expected os/arch in Go\'s names (e.g. linux/amd64)');
  expect(platformNameProblem('linux/amd64/v2')).toContain('unknown platform "linux/amd64/v2"');
});
