import type { HostConfig } from '../config/types.ts';
import { posixShell } from './posix.ts';
import { powerShell } from './powershell.ts';
import type { Shell } from './shell.ts';

export function shellFor(host: Pick<HostConfig, 'shell'>): Shell {
  return host.shell === 'powershell' ? powerShell : posixShell;
}
