import { stat } from 'node:fs/promises';
import { DEFAULT_SSH_CONFIG_FILE } from './defaults.ts';
import { hopName, parseJumpList } from './jump-spec.ts';
import type { Problem } from './problem.ts';
import { resolveEndpoint, type EndpointContext, type EndpointKeys } from './resolve-endpoint.ts';
import { homeDir, resolveLocalPath } from './resolve-path.ts';
import type { RawConfig } from './schema.ts';
import { NO_SSH_CONFIG, readSshConfig } from './ssh-config-file.ts';
import type { JumpHost, SshEndpoint } from './types.ts';

export interface ResolvedSshHost {
  endpoint: SshEndpoint;
  jumps: JumpHost[];
}

/** In hosts order; null for a `transport: local` host, which has no SSH settings. */
export type SshHostsResolution = { ok: true; hosts: (ResolvedSshHost | null)[] } | { ok: false; problems: Problem[] };

/**
 * Every host's and jump host's address, port, user, keys and host-key policy, with
 * ssh_config (`sshConfig:`, default ~/.ssh/config) and ssh's defaults filled in.
 */
export async function resolveSshHosts(raw: RawConfig, configDir: string, env: NodeJS.ProcessEnv): Promise<SshHostsResolution> {
  const configFile = resolveLocalPath(raw.sshConfig ?? DEFAULT_SSH_CONFIG_FILE, configDir, env);
  const read = await readSshConfig(configFile, homeDir(env));
  if (read.kind === 'unreadable' || (read.kind === 'missing' && raw.sshConfig !== undefined)) {
    const why = read.kind === 'missing' ? 'does not exist' : `cannot be read (${read.reason})`;
    return { ok: false, problems: [{ path: ['sshConfig'], message: `sshConfig ${configFile} ${why}` }] };
  }
  const ctx: EndpointContext = {
    lookup: read.kind === 'read' ? read.lookup : NO_SSH_CONFIG,
    sshConfigFile: read.kind === 'read' ? configFile : undefined,
    configDir,
    env,
    isFile: async (path) => (await stat(path).catch(() => undefined))?.isFile() === true,
  };

  const problems: Problem[] = [];
  const hosts: (ResolvedSshHost | null)[] = [];
  for (const [i, host] of raw.hosts.entries()) {
    if (host.transport === 'local' || host.address === undefined) {
      hosts.push(null); // checkHosts has already refused an SSH host without an address
      continue;
    }
    const who = `host ${host.name}`;
    const own = await resolveEndpoint({ ...host, address: host.address }, who, ctx);
    if (!own.ok) {
      problems.push(...own.problems.map((p) => ({ path: ['hosts', i, ...(p.key ? [p.key] : [])], message: p.message })));
      continue;
    }
    // hosts.yaml's proxyJump (even an empty one, `none`) wins over ssh_config's ProxyJump.
    const fromYaml = host.proxyJump !== undefined;
    const hops: EndpointKeys[] = host.proxyJump ?? (own.proxyJump === undefined ? [] : parseJumpList(own.proxyJump));
    const jumps: JumpHost[] = [];
    for (const [j, hop] of hops.entries()) {
      const name = hopName(hop);
      const resolved = await resolveEndpoint(hop, `${who}, jump host ${name}`, ctx);
      if (resolved.ok) jumps.push({ name, ...resolved.endpoint });
      else {
        const at = fromYaml ? ['hosts', i, 'proxyJump', j] : ['hosts', i, 'address'];
        const why = fromYaml ? '' : ` (ProxyJump in ${ctx.sshConfigFile})`;
        problems.push(...resolved.problems.map((p) => ({ path: [...at, ...(fromYaml && p.key ? [p.key] : [])], message: p.message + why })));
      }
    }
    hosts.push({ endpoint: own.endpoint, jumps });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, hosts };
}
