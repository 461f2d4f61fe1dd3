import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the stand-in's interpreter. Found from the package root, not from this
 * file: the CLI runs this code from dist/smoke.mjs (bin/bundle.mjs), where the script is not.
 */
export const STAND_IN_SCRIPT = join(packageRoot(), 'src', 'sandbox', 'stand-in', 'ephemerd.mjs');

/**
 * The HostConfig.launcher that runs stand-in binaries on a Linux test host that is this machine:
 * this Node (absolute, since an SSH session's PATH may not have it) and the interpreter script.
 */
export function standInLauncher(): string[] {
  return [process.execPath, STAND_IN_SCRIPT];
}

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}
