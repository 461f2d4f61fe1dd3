import { hostname } from 'node:os';

/** This machine as a `running` section names its runner, and whether a process here is alive. */
export function thisMachine(): { hostname: string; isAlive: (pid: number) => boolean } {
  return { hostname: hostname(), isAlive };
}

/** Whether a process of this machine is running (EPERM: it is, under another user). */
export function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
