import { readFile, stat } from 'node:fs/promises';
import ssh2, { type AgentAuthMethod, type PublicKeyAuthMethod } from 'ssh2';
import type { HostAuth } from '../config/types.ts';
import type { HopLabel } from './hop-label.ts';

const { utils } = ssh2;

/** What ssh2's connect() needs to authenticate, already checked so errors name the file. */
export interface SshCredentials {
  /** Tried in order (ssh2's `authHandler`), as ssh tries the agent's keys and then files. */
  methods: (PublicKeyAuthMethod | AgentAuthMethod)[];
  /** For "authentication failed ... (tried: X)". */
  tried: string;
}

export async function credentialsFor(
  auth: HostAuth,
  username: string,
  hop: HopLabel,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SshCredentials> {
  if (auth.kind === 'agent') {
    const agent = auth.socket ?? env['SSH_AUTH_SOCK'];
    if (!agent) throw hop.error('auth is ssh-agent but SSH_AUTH_SOCK is not set');
    return { methods: [{ type: 'agent', username, agent }], tried: 'publickey via ssh-agent' };
  }
  if (auth.kind === 'openssh') {
    const methods: (PublicKeyAuthMethod | AgentAuthMethod)[] = auth.agent ? [{ type: 'agent', username, agent: auth.agent }] : [];
    const used: string[] = auth.agent ? ['ssh-agent'] : [];
    for (const file of auth.identityFiles) {
      const key = await readKeyFile(file, hop);
      const parsed = utils.parseKey(key, undefined);
      if (parsed instanceof Error) {
        // ssh would ask for the passphrase; nobody is there to type it.
        hop.warn(`identity file ${file} skipped: ${encrypted(parsed) ? 'it is encrypted (name it with identityFile and passphraseEnv)' : parsed.message}`);
        continue;
      }
      methods.push({ type: 'publickey', username, key });
      used.push(file);
    }
    if (methods.length === 0) throw hop.error(`no usable key: no ssh-agent, and ${auth.identityFiles.join(', ')} could not be used`);
    return { methods, tried: `publickey (${used.join(', ')})` };
  }
  const file = auth.identityFile;
  const privateKey = await readKeyFile(file, hop);
  let passphrase: string | undefined;
  if (auth.passphraseEnv) {
    passphrase = env[auth.passphraseEnv];
    if (passphrase === undefined) {
      throw hop.error(`identity file ${file} needs its passphrase in ${auth.passphraseEnv}, which is not set`);
    }
  }
  const parsed = utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    const why = !encrypted(parsed)
      ? `is not a private key ssh2 can read (${parsed.message})`
      : passphrase === undefined
        ? 'is encrypted: set passphraseEnv to the name of an environment variable holding its passphrase'
        : `could not be decrypted with the passphrase from ${auth.passphraseEnv} (wrong passphrase?)`;
    throw hop.error(`identity file ${file} ${why}`);
  }
  return {
    methods: [{ type: 'publickey', username, key: privateKey, ...(passphrase === undefined ? {} : { passphrase }) }],
    tried: 'publickey',
  };
}

async function readKeyFile(file: string, hop: HopLabel): Promise<Buffer> {
  let key: Buffer;
  try {
    key = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not readable' : String(code ?? err);
    throw hop.error(`identity file ${file} ${why}`, err);
  }
  const mode = (await stat(file)).mode;
  if ((mode & 0o077) !== 0) {
    hop.warn(`identity file ${file} is readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
  }
  return key;
}

function encrypted(err: Error): boolean {
  return /encrypted|passphrase|decrypt|bad decrypt/i.test(err.message);
}
