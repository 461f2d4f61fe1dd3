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

/**
 * Starts a launcher that starts an escapee (`spawnEscapee`), prints its pid and exits when its
 * stdin closes: the chain starter → launcher → escapee is broken once it has. Windows keeps the
 * escapee's ParentProcessId pointing at the dead launcher, Linux hands the escapee to init;
 * either way no walk of the starter's tree reaches it. Resolves to the escapee's pid and a
 * function that ends the launcher and resolves once it has exited.
 */
export async function spawnEscapeeThroughLauncher(name) {
  const url = new URL('./escapee.mjs', import.meta.url).href;
  const script = `import(${JSON.stringify(url)}).then((m) => { process.stdout.write(m.spawnEscapee(${JSON.stringify(name)}) + '\\n'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); })`;
  const launcher = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => launcher.once('exit', resolve));
  let text = '';
  for await (const chunk of launcher.stdout) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`the escapee's launcher printed ${JSON.stringify(text)}`);
  return {
    pid,
    async endLauncher() {
      launcher.stdin.end();
      await exited;
    },
  };
}
