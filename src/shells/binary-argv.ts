import type { HostConfig } from '../config/types.ts';

/** How a host runs the binary under test: through its launcher (an emulator, the sandbox's stand-in) if any. */
export function binaryArgv(host: Pick<HostConfig, 'launcher'>, binaryPath: string, args: string[]): string[] {
  return [...host.launcher, binaryPath, ...args];
}
