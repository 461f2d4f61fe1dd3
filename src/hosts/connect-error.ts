import type { SshEndpoint } from '../config/types.ts';
import type { HostError } from '../domain/errors.ts';
import { formatDuration } from '../domain/format-duration.ts';
import type { HopLabel } from './hop-label.ts';

/** ssh2 marks its errors with a `level`; sockets add an errno `code`. */
interface SshError extends Error {
  level?: string;
  code?: string;
}

/**
 * Turns what went wrong while connecting into one line a person can act on. `hostKeyRefusal`
 * is the verifier's own reason, which beats ssh2's generic "Host denied".
 */
export function connectError(
  host: Pick<SshEndpoint, 'address' | 'port' | 'user'>,
  hop: HopLabel,
  err: unknown,
  context: { methods: string; hostKeyRefusal: string | undefined; connectMs: number },
): HostError {
  const e = (err instanceof Error ? err : new Error(String(err))) as SshError;
  const at = `${host.address}:${host.port}`;
  const message = ((): string => {
    if (context.hostKeyRefusal) return context.hostKeyRefusal;
    switch (e.code) {
      case 'ECONNREFUSED':
        return `connection refused at ${at}`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'EAI_NONAME':
        return `cannot resolve ${host.address} (DNS: ${e.code})`;
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
      case 'ETIMEDOUT':
        return `cannot reach ${at} (${e.code})`;
      case 'ECONNRESET':
        return `connection reset by ${at} before SSH was ready`;
    }
    if (e.level === 'client-timeout') {
      return `no SSH answer within ${formatDuration(context.connectMs)} from ${at}`;
    }
    if (e.level === 'client-authentication') {
      return `authentication failed for user ${host.user} (tried: ${context.methods})`;
    }
    if (e.level === 'client-dns') return `cannot resolve ${host.address} (${e.message})`;
    if (e.level === 'agent') return `ssh-agent failed: ${e.message}`;
    return `SSH connection to ${at} failed: ${e.message}`;
  })();
  return hop.error(message, err);
}
