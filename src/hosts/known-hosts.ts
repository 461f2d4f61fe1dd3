import { createHmac, timingSafeEqual } from 'node:crypto';
import { parsePublicKeyLine, type PublicKey } from '../domain/public-key.ts';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownHostsEntry {
  line: number;
  marker: 'revoked' | 'cert-authority' | undefined;
  /** The host field as written: `a,b,[c]:2222`, or `|1|salt|hmac`. */
  hosts: string;
  key: PublicKey;
}

/** Comments, blank lines and lines without a readable key are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const words = raw.trim().split(/\s+/);
    if (words[0] === undefined || words[0] === '' || words[0].startsWith('#')) return;
    let marker: KnownHostsEntry['marker'];
    if (words[0] === '@revoked' || words[0] === '@cert-authority') {
      marker = words[0] === '@revoked' ? 'revoked' : 'cert-authority';
      words.shift();
    }
    const hosts = words[0];
    const key = parsePublicKeyLine(words.slice(1).join(' '));
    if (hosts === undefined || !key) return;
    entries.push({ line: index + 1, marker, hosts, key });
  });
  return entries;
}

/** How ssh names a host in known_hosts: the bare name on port 22, `[name]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** True when the entry's host field names `name` (hashed, patterns with * and ?, negation with !). */
export function entryMatchesHost(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) return hashedMatches(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(',')) {
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function hashedMatches(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(name);
}
