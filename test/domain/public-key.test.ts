import { describe, expect, it } from 'vitest';
import { fingerprint, parsePublicKeyLine } from '../../src/domain/public-key.ts';

// Keys and fingerprints as `ssh-keygen -lf` printed them.
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJZUlaJnyRTW/Iln0+5fgm6ZoICVV3GqIW9EijOcSMou';
const ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBP85+ZfVeOLsjTz1AvOWK75mTS9K/B6HgH67HEmkNYgu9sV0jvcajbOciY5mN+eWPlflyWj9rSWb8dE5dY0hBFI=';

describe('public keys', () => {
  it('computes OpenSSH SHA256 fingerprints (unpadded base64)', () => {
    expect(fingerprint(parsePublicKeyLine(ED25519)!.blob)).toBe('SHA256:BJZwLSCuNTNxICXHY/gFdtahWMhWkpqSrHWSPqGIDfo');
    expect(fingerprint(parsePublicKeyLine(ECDSA)!.blob)).toBe('SHA256:AgmPMG1FLCKVvv/m4aKUJofgLG7yfgbnkxW4winuIKw');
  });

  it('reads a key line with a comment, or with a leading host field', () => {
    expect(parsePublicKeyLine(`${ED25519} me@laptop`)?.type).toBe('ssh-ed25519');
    expect(parsePublicKeyLine(`[10.0.0.5]:2222 ${ECDSA}`)?.type).toBe('ecdsa-sha2-nistp256');
  });

  it('rejects lines that hold no key, or whose type disagrees with the blob', () => {
    expect(parsePublicKeyLine('not a key')).toBeUndefined();
    expect(parsePublicKeyLine('ssh-ed25519')).toBeUndefined();
    expect(parsePublicKeyLine(ED25519.replace('ssh-ed25519', 'ssh-rsa'))).toBeUndefined();
  });
});
