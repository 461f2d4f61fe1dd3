import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const STOP_TIMEOUT_MS = 30_000;

/**
 * A pretend service manager (systemd, launchd, sc.exe) kept in a folder. As with the real one,
 * `start` boots whatever was installed, not the binary it is called from.
 */
export function serviceDir(env = process.env) {
  return env.STANDIN_EPHEMERD_SERVICE_DIR || join(homedir(), '.standin-ephemerd-service');
}

export function install(binaryPath, dataDir, entryScript) {
  const dir = serviceDir();
  mkdirSync(dir, { recursive: true });
  const unit = { binary: resolve(binaryPath), dataDir: resolve(dataDir), entryScript };
  writeFileSync(join(dir, 'service.json'), JSON.stringify(unit, null, 2) + '\n');
  process.stdout.write('ephemerd installed\n');
  return 0;
}

export function start() {
  const unit = readUnit();
  if (!unit) return fail('service ephemerd is not installed (run ephemerd install)');
  if (runningPid() === undefined) {
    const log = openSync(join(serviceDir(), 'ephemerd.log'), 'a');
    // detached: its own session and process group, as a service manager starts a unit.
    const child = spawn(process.execPath, [unit.entryScript, unit.binary, 'serve', '--data-dir', unit.dataDir], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    writeFileSync(join(serviceDir(), 'ephemerd.pid'), `${child.pid}\n`);
    child.unref();
  }
  process.stdout.write('ephemerd started\n');
  return 0;
}

export async function stop() {
  if (!readUnit()) return fail('service ephemerd is not installed');
  const pid = runningPid();
  if (pid !== undefined) {
    signalGroup(pid, 'SIGTERM');
    const stopped = await waitForExit(pid, STOP_TIMEOUT_MS);
    if (!stopped) signalGroup(pid, 'SIGKILL');
  }
  rmSync(join(serviceDir(), 'ephemerd.pid'), { force: true });
  process.stdout.write('ephemerd stopped\n');
  return 0;
}

export async function uninstall(args) {
  if (!args.includes('--yes')) return fail('uninstall removes the ephemerd service; pass --yes to confirm');
  if (readUnit()) await stop();
  rmSync(serviceDir(), { recursive: true, force: true });
  process.stdout.write('ephemerd uninstalled\n');
  return 0;
}

function readUnit() {
  const file = join(serviceDir(), 'service.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

function runningPid() {
  const file = join(serviceDir(), 'ephemerd.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return isAlive(pid) ? pid : undefined;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if (err.code !== 'ESRCH') throw err;
  }
}

/** A service manager polls too: the daemon is not our child, so no exit event reaches us. */
async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isAlive(pid);
}

function fail(message) {
  process.stderr.write(`Error: ${message}\n`);
  return 1;
}
