import { HostError } from '../domain/errors.ts';
import type { Remote } from '../hosts/remote.ts';

/**
 * The same connection, refusing new commands once `signal` aborts, so a cancelled run's probes
 * end at their next command. A command that takes a signal itself (it only reads) is ended with
 * the run; any other command already running is let finish (each has its own time limit): ending
 * its channel would not end it on the host (sshd ignores a root session's signals), and one still
 * running after cleanup, a `mkdir -p` or a starting daemon, would make again part of the run
 * directory cleanup had just removed. Cleanup uses the plain remote.
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
    exec: (command, options) => {
      if (signal.aborted) return Promise.reject(new HostError(remote.host.name, 'command cancelled before it started'));
      // A command that takes a signal of its own (a log follower) is safe to end: it ends with the run.
      return remote.exec(command, options.signal ? { ...options, signal: AbortSignal.any([signal, options.signal]) } : options);
    },
    upload: (localPath, remotePath, options) => remote.upload(localPath, remotePath, options),
    writeFile: (remotePath, content, options) => remote.writeFile(remotePath, content, options),
    close: () => remote.close(),
  };
}

export const CANCELLED = 'cancelled: the run was stopped before this check ran';
