import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const DEFAULT_PORT = 8080;
const DEFAULT_SHUTDOWN_MS = 5 * 60_000;

/** `--data-dir DIR`, `--data-dir=DIR`, then EPHEMERD_DATA_DIR, then a default under $HOME. */
export function dataDirFrom(args, env = process.env) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--data-dir' && args[i + 1] !== undefined) return args[i + 1];
    if (args[i].startsWith('--data-dir=')) return args[i].slice('--data-dir='.length);
  }
  return env.EPHEMERD_DATA_DIR || join(homedir(), '.standin-ephemerd-data');
}

/**
 * DIR/config.toml: the few keys the stand-in uses. Returns { owner, token, port, shutdownMs } or
 * an Error worded as ephemerd words it.
 */
export function loadConfig(dataDir) {
  const file = join(dataDir, 'config.toml');
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return new Error(`open ${file}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`);
  }
  const toml = parseToml(text);
  if (toml instanceof Error) return new Error(`${file}: ${toml.message}`);
  const owner = toml.github?.owner;
  const token = toml.github?.token;
  if (!owner) return new Error('github.owner is required');
  if (!token) return new Error('github.token is required');
  const port = toml.webhook?.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) return new Error(`webhook.port ${port} is not a port`);
  const timeout = toml.shutdown_timeout ?? toml.server?.shutdown_timeout ?? toml.daemon?.shutdown_timeout;
  const shutdownMs = timeout === undefined ? DEFAULT_SHUTDOWN_MS : durationMs(timeout);
  if (shutdownMs === undefined) return new Error(`shutdown_timeout ${JSON.stringify(timeout)} is not a duration`);
  return { owner, token, port, shutdownMs };
}

/** Tables of `key = value` with strings, integers and booleans: enough for config.toml. */
export function parseToml(text) {
  const root = {};
  let table = root;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[([A-Za-z0-9_.-]+)\]\s*(#.*)?$/.exec(line);
    if (header) {
      table = root[header[1]] ??= {};
      continue;
    }
    const pair = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    const value = pair ? parseValue(pair[2].trim()) : undefined;
    if (value === undefined) return new Error(`line ${i + 1}: cannot read ${JSON.stringify(line)}`);
    table[pair[1]] = value;
  }
  return root;
}

function parseValue(raw) {
  let m;
  if ((m = /^"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(raw))) return JSON.parse(`"${m[1]}"`);
  if ((m = /^'([^']*)'\s*(#.*)?$/.exec(raw))) return m[1];
  if ((m = /^([+-]?\d+)\s*(#.*)?$/.exec(raw))) return Number(m[1]);
  if ((m = /^(true|false)\s*(#.*)?$/.exec(raw))) return m[1] === 'true';
  return undefined;
}

/** Go durations (`30s`, `5m`, `1h30m`, `500ms`) or a number of seconds. */
export function durationMs(value) {
  if (typeof value === 'number') return value * 1000;
  const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...String(value).matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]], 0);
}
