import { readFile, stat } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { HostConfig } from '../config/types.ts';
import { HostError } from '../domain/errors.ts';
import type { EventSink } from '../domain/events.ts';

const { utils } = ssh2;

/** What ssh2's connect() needs to authenticate, already checked so errors name the file. */
export interface SshCredentials {
  privateKey?: Buffer;
  passphrase?: string;
  agent?: string;
  /** For "authentication failed ... (tried: X)". */
  methods: string;
}

export async function credentialsFor(
  host: HostConfig,
  onEvent: EventSink,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SshCredentials> {
  const auth = host.auth;
  if (auth.kind === 'agent') {
    const agent = auth.socket ?? env['SSH_AUTH_SOCK'];
    if (!agent) throw new HostError(host.name, 'auth is ssh-agent but SSH_AUTH_SOCK is not set');
    return { agent, methods: 'publickey via ssh-agent' };
  }
  const file = auth.identityFile;
  let privateKey: Buffer;
  try {
    privateKey = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not readable' : String(code ?? err);
    throw new HostError(host.name, `identity file ${file} ${why}`, { cause: err });
  }
  const mode = (await stat(file)).mode;
  if ((mode & 0o077) !== 0) {
    onEvent({
      kind: 'warning',
      host: host.name,
      message: `identity file ${file} is readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
    });
  }
  let passphrase: string | undefined;
  if (auth.passphraseEnv) {
    passphrase = env[auth.passphraseEnv];
    if (passphrase === undefined) {
      throw new HostError(host.name, `identity file ${file} needs its passphrase in ${auth.passphraseEnv}, which is not set`);
    }
  }
  const parsed = utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase|decrypt|bad decrypt/i.test(parsed.message);
    const why = !encrypted
      ? `is not a private key ssh2 can read (${parsed.message})`
      : passphrase === undefined
        ? 'is encrypted: set passphraseEnv to the name of an environment variable holding its passphrase'
        : `could not be decrypted with the passphrase from ${auth.passphraseEnv} (wrong passphrase?)`;
    throw new HostError(host.name, `identity file ${file} ${why}`);
  }
  return { privateKey, passphrase, methods: 'publickey' };
}
