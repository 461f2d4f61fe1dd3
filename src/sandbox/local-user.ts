import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/**
 * Creates a login user for tests if it does not exist. Idempotent; parallel test files are
 * serialised by flock so only one runs useradd. The password field is `*`, not useradd's `!`:
 * sshd without PAM refuses "locked" accounts.
 */
export function ensureTestUser(name = 'smoke-test'): TestUser {
  if (!/^[a-z_][a-z0-9_-]*$/.test(name)) throw new Error(`not a user name: ${name}`);
  const existing = lookup(name);
  if (existing) return existing;
  const script = `getent passwd ${name} >/dev/null || useradd --create-home --shell /bin/sh --password '*' ${name}`;
  const res = spawnSync('flock', [join(tmpdir(), 'smoke-test-useradd.lock'), 'sh', '-c', script], { encoding: 'utf8' });
  // 9: "already exists", when something outside this lock created it first.
  if (res.status !== 0 && res.status !== 9) {
    throw new Error(`useradd ${name} failed (${res.status}): ${res.stderr.trim()}`);
  }
  const user = lookup(name);
  if (!user) throw new Error(`could not create test user ${name}`);
  return user;
}

function lookup(name: string): TestUser | undefined {
  const res = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (res.status !== 0) return undefined;
  const [, , uid, gid, , home] = res.stdout.trim().split(':');
  return { name, uid: Number(uid), gid: Number(gid), home: home ?? `/home/${name}` };
}
