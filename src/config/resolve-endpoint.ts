import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { DEFAULT_IDENTITY_FILES, DEFAULT_KNOWN_HOSTS_FILE, DEFAULT_SSH_PORT } from './defaults.ts';
import { homeDir, resolveLocalPath } from './resolve-path.ts';
import type { RawJumpHop } from './schema.ts';
import type { SshConfigLookup } from './ssh-config-file.ts';
import { expandSshTokens } from './ssh-tokens.ts';
import type { HostAuth, HostKeyPolicy, SshEndpoint } from './types.ts';

export interface EndpointContext {
  lookup: SshConfigLookup;
  /** The ssh_config file read, for messages; undefined when there is none. */
  sshConfigFile: string | undefined;
  configDir: string;
  env: NodeJS.ProcessEnv;
  isFile: (path: string) => Promise<boolean>;
}

/** A host's or hop's SSH keys from hosts.yaml, or a hop written `[user@]host[:port]`. */
export type EndpointKeys = Omit<RawJumpHop, 'port'> & { port?: number | string | undefined };

export type EndpointResolution =
  | { ok: true; endpoint: SshEndpoint; proxyJump: string | undefined }
  | { ok: false; problems: { key?: string; message: string }[] };

/**
 * One SSH server's settings as `ssh` would take them: hosts.yaml's keys first, then what
 * ssh_config says for the name, then ssh's defaults (port 22, the local user, the agent and
 * ~/.ssh/id_*, ~/.ssh/known_hosts). `who` starts every message ("host lin-1", "host lin-1, jump host b").
 */
export async function resolveEndpoint(raw: EndpointKeys, who: string, ctx: EndpointContext): Promise<EndpointResolution> {
  const fromConfig = ctx.lookup(raw.address);
  const inConfig = ctx.sshConfigFile === undefined ? '' : ` (from ${ctx.sshConfigFile})`;
  const problems: { key?: string; message: string }[] = [];
  const home = homeDir(ctx.env);
  const localUser = ctx.env['USER'] || ctx.env['LOGNAME'] || safeUserName();

  let port: number = DEFAULT_SSH_PORT;
  if (typeof raw.port === 'number') port = raw.port;
  else if (typeof raw.port === 'string') problems.push({ key: 'port', message: `${who}: port "${raw.port}" is not a number` });
  else if (fromConfig.port !== undefined) {
    const n = Number(fromConfig.port);
    if (Number.isInteger(n) && n >= 1 && n <= 65535) port = n;
    else problems.push({ key: 'address', message: `${who}: Port ${fromConfig.port}${inConfig} is not a port number` });
  }
  const user = raw.user ?? fromConfig.user ?? localUser;
  const tokens = { home, alias: raw.address, host: raw.address, port, user, localUser };
  const address = fromConfig.hostName === undefined ? raw.address : expandSshTokens(fromConfig.hostName, tokens);
  const expand = (path: string): string => resolve(home, expandSshTokens(path, { ...tokens, host: address }));

  const auth = await endpointAuth(raw, fromConfig.identityFiles.map(expand), who, inConfig, ctx, problems);
  const hostKey = await endpointHostKey(raw, fromConfig.userKnownHostsFiles.map(expand), who, inConfig, ctx, problems);
  if (problems.length > 0 || !auth || !hostKey) return { ok: false, problems };
  return { ok: true, endpoint: { address, port, user, auth, hostKey }, proxyJump: fromConfig.proxyJump };
}

async function endpointAuth(
  keys: EndpointKeys,
  configured: string[],
  who: string,
  inConfig: string,
  ctx: EndpointContext,
  problems: { key?: string; message: string }[],
): Promise<HostAuth | undefined> {
  if (keys.identityFile !== undefined) {
    const identityFile = resolveLocalPath(keys.identityFile, ctx.configDir, ctx.env);
    return keys.passphraseEnv === undefined ? { kind: 'key', identityFile } : { kind: 'key', identityFile, passphraseEnv: keys.passphraseEnv };
  }
  if (keys.agent !== undefined && keys.agent !== false) {
    const socket = typeof keys.agent === 'string' ? resolveLocalPath(keys.agent, ctx.configDir, ctx.env) : ctx.env['SSH_AUTH_SOCK'];
    return socket === undefined ? { kind: 'agent' } : { kind: 'agent', socket };
  }
  const candidates = configured.length > 0 ? configured : DEFAULT_IDENTITY_FILES.map((f) => resolveLocalPath(f, ctx.configDir, ctx.env));
  const identityFiles = (await Promise.all(candidates.map(async (f) => ((await ctx.isFile(f)) ? f : undefined)))).filter(
    (f): f is string => f !== undefined,
  );
  const agent = keys.agent === false ? undefined : ctx.env['SSH_AUTH_SOCK'];
  if (identityFiles.length === 0 && !agent) {
    const where = configured.length > 0 ? `the IdentityFile${inConfig}` : 'the default keys';
    problems.push({
      message: `${who}: no way to log in: SSH_AUTH_SOCK is not set and none of ${where} exists (${candidates.join(', ')}); set identityFile: PATH or agent: true`,
    });
    return undefined;
  }
  return agent === undefined ? { kind: 'openssh', identityFiles } : { kind: 'openssh', agent, identityFiles };
}

async function endpointHostKey(
  keys: EndpointKeys,
  configured: string[],
  who: string,
  inConfig: string,
  ctx: EndpointContext,
  problems: { key?: string; message: string }[],
): Promise<HostKeyPolicy | undefined> {
  if (keys.hostKey !== undefined) return { kind: 'pinned', line: keys.hostKey.trim() };
  if (keys.knownHosts !== undefined) return { kind: 'knownHosts', file: resolveLocalPath(keys.knownHosts, ctx.configDir, ctx.env) };
  if (keys.insecureAcceptAnyHostKey === true) return { kind: 'insecure' };
  const candidates = configured.length > 0 ? configured : [resolveLocalPath(DEFAULT_KNOWN_HOSTS_FILE, ctx.configDir, ctx.env)];
  for (const file of candidates) {
    if (await ctx.isFile(file)) return { kind: 'knownHosts', file };
  }
  const where = configured.length > 0 ? `the UserKnownHostsFile${inConfig}` : 'the default known_hosts';
  problems.push({
    message: `${who}: no host-key policy: ${where} (${candidates.join(', ')}) does not exist; set hostKey: "ssh-ed25519 AAAA..." (from ssh-keyscan), knownHosts: PATH, or insecureAcceptAnyHostKey: true`,
  });
  return undefined;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'root'; // a uid without a passwd entry (some containers): ssh would fail the same way
  }
}
