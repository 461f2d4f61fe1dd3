import { spawn } from 'node:child_process';

/** What an escapee's command line carries, so a test can find one on the machine. */
export const ESCAPEE_ARGUMENT = 'stand-in-escapee';
/** It ends itself after this, so a failed test cannot leak it forever. */
const ESCAPEE_LIFETIME_MS = 10 * 60_000;

/**
 * Starts a process in a session of its own (`setsid`, as `detached` does), its streams closed,
 * that ignores SIGHUP and outlives whoever started it: what `setsid sleep …` or a double fork
 * leaves on a host. Stopping the starter's process group does not reach it. Returns its pid.
 */
export function spawnEscapee(name) {
  // Short: a report shows the start of a command line.
  const script = `process.on('SIGHUP',()=>{});setTimeout(()=>{},${ESCAPEE_LIFETIME_MS})`;
  const child = spawn(process.execPath, ['-e', script, ESCAPEE_ARGUMENT, name], { stdio: 'ignore', detached: true });
  child.unref();
  return child.pid;
}
