import { fileURLToPath } from 'node:url';

/** Absolute path of the stand-in's interpreter. */
export const STAND_IN_SCRIPT = fileURLToPath(new URL('./ephemerd.mjs', import.meta.url));

/**
 * The HostConfig.launcher that runs stand-in binaries on a Linux test host that is this machine:
 * this Node (absolute, since an SSH session's PATH may not have it) and the interpreter script.
 */
export function standInLauncher(): string[] {
  return [process.execPath, STAND_IN_SCRIPT];
}
