import { SmokeError } from '../domain/errors.ts';
import type { HostConfig, SshHostConfig } from './types.ts';

/** The host as an SSH host, for code that only connects over SSH (benches, SSH tests). */
export function sshHost(host: HostConfig | undefined): SshHostConfig {
  if (host === undefined) throw new SmokeError('no host');
  if (host.transport === 'local') throw new SmokeError(`host ${host.name} has transport: local: it is not reached over SSH`);
  return host;
}
