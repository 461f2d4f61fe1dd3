import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * A network namespace of the test's own, joined to this machine by one veth pair: this side
 * `hostSide`, the namespace's side `inside`. The namespace's loopback is reachable only from
 * processes inside it, which is where a "private" host listens in the jump-host tests.
 */
export interface TestNetwork {
  netns: string;
  hostSide: string;
  inside: string;
  remove(): void;
}

export function createTestNetwork(): TestNetwork {
  for (let attempt = 1; ; attempt++) {
    const id = randomBytes(3).toString('hex');
    const netns = `smoke-jump-${id}`;
    // A /30 in 10.200-249.x.y, unused on this machine (another test run may hold one).
    const [a, b] = [200 + (randomBytes(1)[0]! % 50), randomBytes(1)[0]! & 0xfc];
    const prefix = `10.${a}.${b}`;
    if (execFileSync('ip', ['-4', '-o', 'addr', 'show', 'to', `${prefix}.0/30`], { encoding: 'utf8' }).trim() !== '' && attempt < 5) continue;
    const hostSide = `${prefix}.1`;
    const inside = `${prefix}.2`;
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    ip('netns', 'add', netns);
    const remove = () => {
      // Deleting the namespace deletes its veth end, and with it the pair.
      execFileSync('ip', ['netns', 'del', netns], { stdio: 'ignore' });
    };
    try {
      ip('-n', netns, 'link', 'set', 'lo', 'up');
      ip('link', 'add', `vh-${id}`, 'type', 'veth', 'peer', 'name', `vn-${id}`, 'netns', netns);
      ip('addr', 'add', `${hostSide}/30`, 'dev', `vh-${id}`);
      ip('link', 'set', `vh-${id}`, 'up');
      ip('-n', netns, 'addr', 'add', `${inside}/30`, 'dev', `vn-${id}`);
      ip('-n', netns, 'link', 'set', `vn-${id}`, 'up');
    } catch (err) {
      remove();
      throw err;
    }
    return { netns, hostSide, inside, remove };
  }
}
