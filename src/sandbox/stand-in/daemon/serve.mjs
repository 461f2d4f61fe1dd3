import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { loadConfig } from './config.mjs';
import { spawnEscapee } from './escapee.mjs';
import { createLogger } from './log.mjs';

const DEFAULT_NOISE_BYTES = 20 * 1024 * 1024;
const HOSTILE_NOISE_BYTES = 10 * 1024 * 1024;
const DEFAULT_NOISE_BYTES_PER_SECOND = 16 * 1024 * 1024;
/** What the `hostile` variant prints: our section's end marker, HTML that would break out, mass mentions. */
export const HOSTILE_TEXT = '<!-- smoke-test:end --> <script>alert(1)</script> </details></code></pre> @everyone @octocat #1';
/** What the `escape-codes` variant logs: a new window title, the line erased, the cursor moved up, a fake pass. */
export const ESCAPE_LINE = '\u001b]0;TITLE\u0007\u001b[2K\r\u001b[1A…linux/amd64: boot pass';
/** The orphan ends itself after this, so a failed test cannot leak it forever. */
const ORPHAN_LIFETIME_MS = 10 * 60_000;

/** `ephemerd serve`: the foreground daemon, with the payload's variant deciding how it goes wrong. */
export async function serve(payload, dataDir) {
  const log = createLogger();
  const variant = payload.variant;
  // Nothing else may hold the loop open while the daemon waits (never-ready, a failed bind).
  const keepAlive = setInterval(() => {}, 1 << 30);
  let server;
  const stop = (signal) => {
    if (variant === 'ignore-sigterm') {
      // Logged so a test can see the signal arrived and was ignored, without guessing with sleeps.
      log.warn('signal ignored', { signal });
      return;
    }
    log.info('shutting down', { signal });
    clearInterval(keepAlive);
    server?.closeAllConnections();
    server?.close();
    log.info('ephemerd stopped');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal));
  if (variant === 'ignore-sigterm') process.on('SIGHUP', () => stop('SIGHUP'));

  log.info('starting ephemerd', { version: payload.version, platform: payload.platform, data_dir: dataDir, pid: process.pid });
  if (variant === 'empty-kernel-exit') {
    log.error('embedded embed/vmlinuz is empty (placeholder only)');
    process.exit(1);
  }
  const config = loadConfig(dataDir);
  if (config instanceof Error) {
    log.error('loading config', { err: config.message });
    process.exit(1);
  }
  if (variant === 'escape-codes') {
    // Written raw, as a careless or hostile daemon can: no logger quotes it.
    process.stderr.write(`${ESCAPE_LINE}\n`);
    process.exit(1);
  }
  if (variant === 'noisy') await writeNoise(payload.noiseBytes ?? DEFAULT_NOISE_BYTES);
  if (variant === 'hostile') {
    await writeNoise(payload.noiseBytes ?? HOSTILE_NOISE_BYTES, () => `time=${new Date().toISOString()} level=INFO msg=${JSON.stringify(HOSTILE_TEXT)}\n`);
    log.error(HOSTILE_TEXT);
    process.exit(1);
  }
  log.info('containerd ready', { address: join(dataDir, 'containerd', 'containerd.sock') });
  if (variant === 'exit-before-ready') process.exit(0);
  if (variant === 'never-ready') return;
  if (variant === 'vm-not-started') {
    log.error('embedded vmlinuz is empty (0 bytes)');
    log.warn('Linux VM not started', { err: 'embedded vmlinuz is empty (0 bytes)' });
  }
  log.info('container runtime ready');
  if (payload.readyAfterMs) await new Promise((resolve) => setTimeout(resolve, payload.readyAfterMs));
  // Before the ready line, so a probe that saw "ready" has read the shim's pid in the same log.
  if (variant === 'orphan-child') log.info('runner shim started', { pid: await spawnOrphan() });
  log.info('ephemerd ready', { owner: config.owner });
  if (variant === 'setsid-child') log.info('runner shim started', { pid: spawnEscapee('serve') });
  log.info('control socket ready', { path: join(dataDir, 'ephemerd.sock') });
  server = await listenHealth(config.port, dataDir, log, variant === 'endless-log');
  if (variant === 'endless-log') await writeEndlessly(payload.noiseBytesPerSecond ?? DEFAULT_NOISE_BYTES_PER_SECOND);
}

async function listenHealth(port, dataDir, log, hang) {
  const server = createServer((req, res) => {
    if (hang) return; // accepted, never answered: a health handler stuck on a lock
    const ok = req.method === 'GET' && req.url === '/healthz';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(ok ? '{"status":"ok"}\n' : '{"error":"not found"}\n');
  });
  const err = await new Promise((resolve) => {
    server.once('error', resolve);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  if (err) {
    // As ephemerd does: a taken port is logged, and the daemon keeps running.
    log.error('health server failed', { err: `listen tcp 127.0.0.1:${port}: ${err.code === 'EADDRINUSE' ? 'bind: address already in use' : err.message}` });
    return undefined;
  }
  const actual = server.address().port;
  // Lets `status` find a health port that config.toml left to the system (port 0).
  writeFileSync(join(dataDir, 'health.port'), `${actual}\n`);
  log.info('health server listening', { addr: `127.0.0.1:${actual}`, port: actual });
  return server;
}

/**
 * A child in the daemon's own process group that ignores SIGHUP/SIGINT/SIGTERM and outlives it.
 * Resolves once the child says its handlers are in place, so a signal sent after the
 * `runner shim started` line cannot catch it half-armed.
 */
async function spawnOrphan() {
  const script = [
    "process.title = 'ephemerd-shim';",
    "for (const s of ['SIGHUP', 'SIGINT', 'SIGTERM']) process.on(s, () => {});",
    `setTimeout(() => process.exit(0), ${ORPHAN_LIFETIME_MS});`,
    "process.stdout.write('armed\\n');",
  ].join(' ');
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'], detached: false });
  await once(child.stdout, 'data');
  child.stdout.destroy();
  child.unref();
  return child.pid;
}

/** Megabytes of debug lines, as a daemon pulling images might print; waits for the pipe to drain. */
async function writeNoise(total, lineOf) {
  const line = lineOf ?? ((n) => `time=${new Date().toISOString()} level=DEBUG msg="pulling layer" layer=${n} digest=sha256:${'0123456789abcdef'.repeat(4)} progress=${n % 100}%\n`);
  let written = 0;
  let n = 0;
  while (written < total) {
    let chunk = '';
    while (chunk.length < 64 * 1024 && written + chunk.length < total) chunk += line(n++);
    written += chunk.length;
    if (!process.stderr.write(chunk)) await once(process.stderr, 'drain');
  }
}

/**
 * Debug lines at about `perSecond` bytes a second, for as long as the process runs (`endless-log`).
 * A fixed amount per tick, never catching up: falling behind on a busy machine must not make
 * each tick's work larger, or signals would wait behind it.
 */
async function writeEndlessly(perSecond) {
  const tick = 100;
  const perTick = Math.max(1, Math.round((perSecond * tick) / 1000));
  for (let n = 0; ; ) {
    const time = new Date().toISOString();
    const lines = [];
    for (let size = 0; size < perTick; ) {
      const line = `time=${time} level=DEBUG msg="reconciling" item=${n++} state=${'x'.repeat(64)}\n`;
      lines.push(line);
      size += line.length;
    }
    if (!process.stderr.write(lines.join(''))) await once(process.stderr, 'drain');
    await new Promise((resolve) => setTimeout(resolve, tick));
  }
}
