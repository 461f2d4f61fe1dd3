import { randomBytes } from 'node:crypto';

/** `20261123-201500-a1b2c3`: sorts by time, and is safe as a folder name here and on any host. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
