import type { Duplex } from 'node:stream';
import ssh2, { type Client as SshClient } from 'ssh2';
import type { HostConfig, SshEndpoint } from '../config/types.ts';
import { ignoreEvents, type EventSink } from '../domain/events.ts';
import { formatDuration } from '../domain/format-duration.ts';
import { connectError } from './connect-error.ts';
import { hopLabel, type HopLabel } from './hop-label.ts';
import { hostKeyCheck } from './host-key-check.ts';
import type { Remote } from './remote.ts';
import { credentialsFor } from './ssh-auth.ts';
import { SshRemote } from './ssh-remote.ts';

const { Client } = ssh2;

export interface ConnectOptions {
  onEvent?: EventSink;
  /** How often to ping an idle connection; three missed answers count as a lost connection. */
  keepaliveMs?: number;
}

const DEFAULT_KEEPALIVE_MS = 10_000;
const KEEPALIVE_COUNT_MAX = 3;

interface Hop {
  endpoint: SshEndpoint;
  label: HopLabel;
}

/**
 * Opens one SSH connection to a test host, with its key checked and its auth ready. With jump
 * hosts, as ssh's ProxyJump: each hop is reached through a forwarded channel of the one
 * before it, and every hop's own host key is checked.
 */
export async function connectHost(host: HostConfig, options: ConnectOptions = {}): Promise<Remote> {
  const onEvent = options.onEvent ?? ignoreEvents;
  const hops: Hop[] = [
    ...(host.jumps ?? []).map((jump) => ({ endpoint: jump, label: hopLabel(host.name, jump.name, onEvent) })),
    { endpoint: host, label: hopLabel(host.name, undefined, onEvent) },
  ];
  const settings = { connectMs: host.timeouts.connectMs, keepaliveMs: options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS };
  const clients: SshClient[] = [];
  let insecure = false;
  try {
    for (const [i, hop] of hops.entries()) {
      const previous = hops[i - 1];
      const sock = previous ? await forwardTo(clients[i - 1]!, previous.label, hop.endpoint, settings.connectMs) : undefined;
      const opened = await openClient(hop, sock, settings);
      clients.push(opened.client);
      insecure ||= opened.insecure;
    }
  } catch (err) {
    for (const client of clients.reverse()) client.destroy();
    throw err;
  }
  const target = clients.pop()!;
  for (const jump of clients) {
    // A jump connection that breaks takes the host's channel with it: SshRemote reports the loss.
    jump.on('error', () => jump.destroy());
  }
  // The jump connections live as long as the host's: its channel runs through them.
  target.once('close', () => {
    for (const jump of clients.reverse()) jump.end();
  });
  return new SshRemote(host, target, insecure);
}

/** A channel from `client`'s server to the next hop: that server opens the TCP connection. */
function forwardTo(client: SshClient, via: HopLabel, next: SshEndpoint, timeoutMs: number): Promise<Duplex> {
  const at = `${next.address}:${next.port}`;
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(via.error(`no channel to ${at} within ${formatDuration(timeoutMs)}`));
    }, timeoutMs);
    client.forwardOut('127.0.0.1', 0, next.address, next.port, (err, stream) => {
      clearTimeout(timer);
      if (timedOut) return stream?.destroy(); // too late: the caller has closed the connection
      if (err) {
        // ssh2 words it "(SSH) Channel open failure: <the server's reason>".
        const why = err.message.replace(/^\(SSH\) Channel open failure:\s*/, '') || 'refused';
        return reject(via.error(`could not open a connection to ${at} (${why})`, err));
      }
      resolve(stream);
    });
  });
}

async function openClient(
  hop: Hop,
  sock: Duplex | undefined,
  settings: { connectMs: number; keepaliveMs: number },
): Promise<{ client: SshClient; insecure: boolean }> {
  const { endpoint, label } = hop;
  const credentials = await credentialsFor(endpoint.auth, endpoint.user, label);
  const check = await hostKeyCheck(endpoint.hostKey, endpoint, label);
  if (check.insecure) label.warn('host key not checked (insecureAcceptAnyHostKey: true in hosts.yaml)');
  const client = new Client();
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      client.destroy();
      sock?.destroy();
      reject(
        connectError(endpoint, label, err, {
          methods: credentials.tried,
          hostKeyRefusal: check.refusal(),
          connectMs: settings.connectMs,
        }),
      );
    };
    // ssh2's readyTimeout covers TCP connect, handshake and auth; this is only a backstop.
    const guard = setTimeout(
      () => fail(Object.assign(new Error('connect timed out'), { level: 'client-timeout' })),
      settings.connectMs + 1_000,
    );
    client.on('error', fail);
    client.once('close', () => fail(new Error('connection closed before SSH was ready')));
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      // FIELD-NOTES: without it SFTP writes crawl (Nagle + delayed ACK). A forwarded channel
      // has no socket of its own; the first hop's carries it.
      if (sock === undefined) client.setNoDelay(true);
      client.off('error', fail);
      resolve({ client, insecure: check.insecure });
    });
    try {
      client.connect({
        ...(sock === undefined ? { host: endpoint.address, port: endpoint.port } : { sock }),
        username: endpoint.user,
        authHandler: credentials.methods,
        tryKeyboard: false,
        readyTimeout: settings.connectMs,
        keepaliveInterval: settings.keepaliveMs,
        keepaliveCountMax: KEEPALIVE_COUNT_MAX,
        hostVerifier: (key: Buffer) => check.verify(key),
        ...(check.algorithms ? { algorithms: { serverHostKey: check.algorithms } } : {}),
      });
    } catch (err) {
      fail(err); // a bad key or algorithm list is thrown synchronously by ssh2
    }
  });
}
