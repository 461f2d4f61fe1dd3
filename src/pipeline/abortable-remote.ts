import type { Remote } from '../hosts/remote.ts';

/**
 * The same connection, with every command ended when `signal` aborts (a cancelled run stops its
 * probes at once). Cleanup uses the plain remote: it must run after the abort.
 */
export function abortableRemote(remote: Remote, signal: AbortSignal | undefined): Remote {
  if (!signal) return remote;
  return {
    get host() {
      return remote.host;
    },
    get insecureHostKey() {
      return remote.insecureHostKey;
    },
    get connected() {
      return remote.connected;
    },
    exec: (command, options) => remote.exec(command, { ...options, signal: options.signal ?? signal }),
    upload: (localPath, remotePath, options) => remote.upload(localPath, remotePath, options),
    writeFile: (remotePath, content, options) => remote.writeFile(remotePath, content, options),
    close: () => remote.close(),
  };
}

export const CANCELLED = 'cancelled: the run was stopped before this check ran';
