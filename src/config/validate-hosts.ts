import type { PlatformId } from '../domain/platform.ts';
import { hopName } from './jump-spec.ts';
import { platformNameProblem } from './platform-name.ts';
import type { Problem } from './problem.ts';
import type { RawConfig, RawHost, RawJumpHop } from './schema.ts';
import type { KeyPath, Locate } from './yaml-locator.ts';
import { parsePublicKeyLine } from '../domain/public-key.ts';

/** Rules across hosts and across a host's keys, which the schema alone cannot state. */
export function validateHosts(raw: RawConfig, expected: readonly PlatformId[], env: NodeJS.ProcessEnv, locate: Locate): Problem[] {
  const problems: Problem[] = [];
  const firstByName = new Map<string, number>();
  raw.hosts.forEach((host, i) => {
    const seen = firstByName.get(host.name);
    if (seen === undefined) firstByName.set(host.name, i);
    else {
      const other = locate(['hosts', seen, 'name']).line;
      const here = locate(['hosts', i, 'name']).line;
      problems.push({ path: ['hosts', i, 'name'], message: `host name "${host.name}" is used twice (lines ${other} and ${here}); names must be unique` });
    }
    problems.push(...checkHost(host, i, expected, env));
  });
  const covered = new Set(raw.hosts.map((h) => h.platform));
  for (const platform of expected.filter((p) => !covered.has(p))) {
    problems.push({
      path: raw.platforms ? ['platforms', platform] : ['hosts'],
      at: 'key',
      message: `no host for expected platform ${platform}: add a host with platform: ${platform}, or list only the platforms you test under platforms:`,
    });
  }
  return problems;
}

function checkHost(host: RawHost, i: number, expected: readonly PlatformId[], env: NodeJS.ProcessEnv): Problem[] {
  const problems: Problem[] = [];
  const at = (key: string, message: string): void => void problems.push({ path: ['hosts', i, key], message });
  const who = `host ${host.name}`;

  const platformProblem = platformNameProblem(host.platform);
  if (platformProblem) at('platform', platformProblem);
  else if (!expected.includes(host.platform as PlatformId)) {
    at('platform', `${who}: platform ${host.platform} is not expected (expected: ${expected.join(', ')}); add it under platforms:`);
  }
  if (host.shell === 'powershell' && !host.platform.startsWith('windows/')) at('shell', `${who}: shell powershell is only for windows/* hosts`);
  const shell = host.shell ?? (host.platform.startsWith('windows/') ? 'powershell' : 'posix');
  if (host.sudo && shell === 'powershell') at('sudo', `${who}: sudo is for Unix hosts; on Windows log in as an Administrator`);

  problems.push(...endpointProblems(host, ['hosts', i], who, env));
  host.proxyJump?.forEach((hop, j) => {
    problems.push(...endpointProblems(hop, ['hosts', i, 'proxyJump', j], `${who}, jump host ${hopName(hop)}`, env));
  });
  return problems;
}

/**
 * The login and host-key keys of a host or a jump host: at most one way to log in and one
 * host-key policy. Leaving both out is fine: ssh_config and ssh's defaults fill them in.
 */
function endpointProblems(host: RawJumpHop, path: KeyPath, who: string, env: NodeJS.ProcessEnv): Problem[] {
  const problems: Problem[] = [];
  const at = (key: string, message: string): void => void problems.push({ path: [...path, key], message });
  if (host.identityFile !== undefined && host.agent !== undefined && host.agent !== false) {
    at('agent', `${who}: set either identityFile or agent, not both`);
  } else if (host.agent === true && !env.SSH_AUTH_SOCK) {
    at('agent', `${who}: agent: true but SSH_AUTH_SOCK is not set (start ssh-agent, or give the socket's path)`);
  }
  if (host.passphraseEnv !== undefined) {
    if (host.identityFile === undefined) at('passphraseEnv', `${who}: passphraseEnv needs identityFile`);
    else if (env[host.passphraseEnv] === undefined) {
      at('passphraseEnv', `${who}: environment variable ${host.passphraseEnv} (the key's passphrase) is not set`);
    }
  }
  // Host key: hostKey, knownHosts or insecureAcceptAnyHostKey, or none (the default known_hosts).
  const policies = (['hostKey', 'knownHosts', 'insecureAcceptAnyHostKey'] as const).filter((k) =>
    k === 'insecureAcceptAnyHostKey' ? host[k] === true : host[k] !== undefined,
  );
  if (policies.length > 1) {
    at(policies[1]!, `${who}: set only one of hostKey, knownHosts and insecureAcceptAnyHostKey (found ${policies.join(' and ')})`);
  }
  if (host.hostKey !== undefined && !parsePublicKeyLine(host.hostKey)) {
    at('hostKey', `${who}: hostKey is not an SSH public key; expected "TYPE BASE64", e.g. a line of ssh-keyscan ${host.address}`);
  }
  return problems;
}
