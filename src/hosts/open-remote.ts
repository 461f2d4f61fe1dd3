import type { HostConfig } from '../config/types.ts';
import { connectHost, type ConnectOptions } from './connect-host.ts';
import { LocalRemote } from './local-remote.ts';
import type { Remote } from './remote.ts';

/** The host's `Remote`: this machine for `transport: local`, else an SSH connection. */
export async function openRemote(host: HostConfig, options: ConnectOptions = {}): Promise<Remote> {
  return host.transport === 'local' ? new LocalRemote(host) : connectHost(host, options);
}
