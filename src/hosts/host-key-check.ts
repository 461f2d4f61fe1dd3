import { readFile } from 'node:fs/promises';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import type { HostKeyPolicy } from '../config/types.ts';
import type { HopLabel } from './hop-label.ts';
import { entryMatchesHost, knownHostsName, parseKnownHosts } from './known-hosts.ts';
import { fingerprint, parsePublicKeyLine, type PublicKey } from '../domain/public-key.ts';

/** Decides whether the key a server presents is the one we expect. */
export interface HostKeyCheck {
  insecure: boolean;
  /**
   * Host key algorithms to offer, so a server with several keys presents one we know
   * (as ssh does with known_hosts). Undefined: ssh2's defaults.
   */
  algorithms: ServerHostKeyAlgorithm[] | undefined;
  /** Receives the raw key blob; on refusal, `refusal` says why. */
  verify(blob: Buffer): boolean;
  refusal(): string | undefined;
}

// ssh2's preference order; the key type in a key line maps to the signature algorithms for it.
const ALGORITHMS_BY_KEY_TYPE: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ssh-dss': ['ssh-dss'],
};

/** The check for one server (`address`, `port` as known_hosts names it) under its policy. */
export async function hostKeyCheck(policy: HostKeyPolicy, server: { address: string; port: number }, hop: HopLabel): Promise<HostKeyCheck> {
  if (policy.kind === 'insecure') {
    return { insecure: true, algorithms: undefined, verify: () => true, refusal: () => undefined };
  }
  if (policy.kind === 'pinned') {
    const key = parsePublicKeyLine(policy.line);
    if (!key) throw hop.error(`hostKey is not a public key line (expected "ssh-ed25519 AAAA...")`);
    return keysCheck([{ key, where: 'pinned' }], () => undefined);
  }
  return knownHostsCheck(server, policy.file, hop);
}

interface ExpectedKey {
  key: PublicKey;
  where: string;
}

function keysCheck(expected: ExpectedKey[], revokedWhere: (blob: Buffer) => string | undefined): HostKeyCheck {
  let reason: string | undefined;
  const types = new Set(expected.map((e) => e.key.type));
  const algorithms = Object.entries(ALGORITHMS_BY_KEY_TYPE)
    .filter(([type]) => types.has(type))
    .flatMap(([, algos]) => algos);
  return {
    insecure: false,
    algorithms: algorithms.length > 0 ? algorithms : undefined,
    verify(blob) {
      const revoked = revokedWhere(blob);
      if (revoked) {
        reason = `host key ${fingerprint(blob)} is marked @revoked in ${revoked}`;
        return false;
      }
      if (expected.some((e) => e.key.blob.equals(blob))) return true;
      const wanted = expected.map((e) => `${fingerprint(e.key.blob)} (${e.where})`).join(' or ');
      reason = `host key mismatch: expected ${wanted}, presented ${fingerprint(blob)}`;
      return false;
    },
    refusal: () => reason,
  };
}

async function knownHostsCheck(host: { address: string; port: number }, file: string, hop: HopLabel): Promise<HostKeyCheck> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw hop.error(`cannot read known_hosts file ${file} (${code})`, err);
  }
  const name = knownHostsName(host.address, host.port);
  const entries = parseKnownHosts(text).filter((e) => entryMatchesHost(e.hosts, name));
  const plain = entries.filter((e) => e.marker === undefined);
  if (plain.length === 0) {
    const onlyCa = entries.some((e) => e.marker === 'cert-authority');
    throw hop.error(
      onlyCa
        ? `${file} has only @cert-authority entries for ${name}; host certificates are not supported, add the host's key`
        : `${name} is not in known_hosts file ${file} (add it: ssh-keyscan -p ${host.port} ${host.address})`,
    );
  }
  const revoked = entries.filter((e) => e.marker === 'revoked');
  return keysCheck(
    plain.map((e) => ({ key: e.key, where: `${file}:${e.line}` })),
    (blob) => {
      const hit = revoked.find((e) => e.key.blob.equals(blob));
      return hit ? `${file}:${hit.line}` : undefined;
    },
  );
}
