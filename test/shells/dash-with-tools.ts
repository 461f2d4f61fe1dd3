import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestUser } from '../../src/sandbox/local-user.ts';

/**
 * Runs `script` with dash by full path and only `tools` on PATH, made afresh in `bin`: links to
 * the real ones, or scripts (a value starting `#!`). As `user` if given.
 */
export function runWith(bin: string, tools: Record<string, string>, script: string, { user }: { user?: TestUser } = {}) {
  rmSync(bin, { recursive: true, force: true });
  mkdirSync(bin);
  for (const [name, target] of Object.entries(tools)) {
    if (target.startsWith('#!')) writeFileSync(join(bin, name), target, { mode: 0o755 });
    else symlinkSync(target, join(bin, name));
  }
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const as = user ? { uid: user.uid, gid: user.gid } : {};
    execFile('/usr/bin/dash', ['-c', script], { encoding: 'utf8', env: { PATH: bin }, ...as }, (error, stdout, stderr) => {
      resolve({ code: error && typeof error.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}
