import { createHash } from 'node:crypto';

/** An SSH public key as OpenSSH writes it: `ssh-ed25519 AAAA...`. */
export interface PublicKey {
  type: string;
  /** The wire-format key blob (what the server presents during the handshake). */
  blob: Buffer;
}

const KEY_TYPE_RE = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+)$/;

export function isKeyType(word: string): boolean {
  return KEY_TYPE_RE.test(word);
}

/**
 * Reads `TYPE BASE64 [comment]`, tolerating one leading host field so a line copied from
 * known_hosts or `ssh-keyscan` also works. Undefined when the line holds no key.
 */
export function parsePublicKeyLine(line: string): PublicKey | undefined {
  const words = line.trim().split(/\s+/);
  const start = isKeyType(words[0] ?? '') ? 0 : isKeyType(words[1] ?? '') ? 1 : -1;
  if (start < 0) return undefined;
  const type = words[start]!;
  const data = words[start + 1];
  if (!data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return undefined;
  const blob = Buffer.from(data, 'base64');
  // The blob starts with its own type name; a line whose two halves disagree is corrupt.
  if (blobType(blob) !== type) return undefined;
  return { type, blob };
}

/** The type name at the start of a key blob (uint32 length, then the name). */
export function blobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len > 64 || blob.length < 4 + len) return undefined;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH's fingerprint format: `SHA256:` and the unpadded base64 of the blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

export function formatPublicKey(key: PublicKey): string {
  return `${key.type} ${key.blob.toString('base64')}`;
}
