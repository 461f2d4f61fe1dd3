import { HostError } from '../domain/errors.ts';
import type { EventSink } from '../domain/events.ts';

/**
 * Names one SSH server on the way to a host in its errors and warnings: the host itself, or
 * `jump host NAME` in front of it. Errors are always the host's: its platform is what waits.
 */
export interface HopLabel {
  readonly host: string;
  /** Undefined for the host itself. */
  readonly jump: string | undefined;
  error(message: string, cause?: unknown): HostError;
  warn(message: string): void;
}

export function hopLabel(host: string, jump: string | undefined, onEvent: EventSink): HopLabel {
  const prefix = jump === undefined ? '' : `jump host ${jump}: `;
  return {
    host,
    jump,
    error: (message, cause) => new HostError(host, prefix + message, cause === undefined ? undefined : { cause }),
    warn: (message) => onEvent({ kind: 'warning', host, message: prefix + message }),
  };
}
