import ssh2, { type ConnectConfig } from 'ssh2';
import type { HostConfig } from '../config/types.ts';
import { ignoreEvents, type EventSink } from '../domain/events.ts';
import { connectError } from './connect-error.ts';
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

/** Opens one SSH connection to a test host, with its key checked and its auth ready. */
export async function connectHost(host: HostConfig, options: ConnectOptions = {}): Promise<Remote> {
  const onEvent = options.onEvent ?? ignoreEvents;
  const credentials = await credentialsFor(host, onEvent);
  const check = await hostKeyCheck(host);
  if (check.insecure) {
    onEvent({ kind: 'warning', host: host.name, message: 'host key not checked (insecureAcceptAnyHostKey: true in hosts.yaml)' });
  }
  const config: ConnectConfig = {
    host: host.address,
    port: host.port,
    username: host.user,
    privateKey: credentials.privateKey,
    passphrase: credentials.passphrase,
    agent: credentials.agent,
    tryKeyboard: false,
    readyTimeout: host.timeouts.connectMs,
    keepaliveInterval: options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS,
    keepaliveCountMax: KEEPALIVE_COUNT_MAX,
    hostVerifier: (key: Buffer) => check.verify(key),
    ...(check.algorithms ? { algorithms: { serverHostKey: check.algorithms } } : {}),
  };
  const client = new Client();
  return new Promise<Remote>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      client.destroy();
      reject(connectError(host, err, { methods: credentials.methods, hostKeyRefusal: check.refusal() }));
    };
    // ssh2's readyTimeout covers TCP connect, handshake and auth; this is only a backstop.
    const guard = setTimeout(
      () => fail(Object.assign(new Error('connect timed out'), { level: 'client-timeout' })),
      host.timeouts.connectMs + 1_000,
    );
    client.on('error', fail);
    client.once('close', () => fail(new Error('connection closed before SSH was ready')));
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      client.setNoDelay(true); // FIELD-NOTES: without it SFTP writes crawl (Nagle + delayed ACK)
      const remote = new SshRemote(host, client, check.insecure);
      client.off('error', fail);
      resolve(remote);
    });
    try {
      client.connect(config);
    } catch (err) {
      fail(err); // a bad key or algorithm list is thrown synchronously by ssh2
    }
  });
}
