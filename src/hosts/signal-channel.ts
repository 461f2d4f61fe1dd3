import type { ClientChannel } from 'ssh2';

/** The parts of ssh2 1.17's Channel that `signal()` itself uses. */
interface ChannelInternals {
  outgoing?: { id?: number; state?: string };
  _client?: { _protocol?: { signal?: (id: number, name: string) => void } };
}

/**
 * Sends a signal request on a session channel. ssh2's own `channel.signal()` does nothing once
 * stdin is closed (it checks `writable`), but we always close stdin so commands that read it
 * do not hang; SSH itself allows the request until the channel closes, so we send it directly.
 * Returns false when the channel is already closing or ssh2's internals changed shape.
 */
export function signalChannel(channel: ClientChannel, name: string): boolean {
  const internals = channel as unknown as ChannelInternals;
  const id = internals.outgoing?.id;
  const state = internals.outgoing?.state;
  const send = internals._client?._protocol?.signal;
  if (id === undefined || (state !== 'open' && state !== 'eof') || typeof send !== 'function') return false;
  send.call(internals._client!._protocol, id, name);
  return true;
}
