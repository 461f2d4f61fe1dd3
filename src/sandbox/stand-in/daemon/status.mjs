import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { loadConfig } from './config.mjs';

/** `ephemerd status`: prints the health answer and exits 0, or exits 1 when the daemon is down. */
export async function status(dataDir) {
  const config = loadConfig(dataDir);
  if (config instanceof Error) return fail(`loading config: ${config.message}`);
  const port = config.port === 0 ? runtimePort(dataDir) : config.port;
  if (port === undefined) return fail('ephemerd is not running (no health port recorded)');
  const url = `http://127.0.0.1:${port}/healthz`;
  try {
    const body = await fetchText(url);
    process.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
    return 0;
  } catch (err) {
    return fail(`ephemerd is not running (${url}: ${err.code ?? err.message})`);
  }
}

function runtimePort(dataDir) {
  try {
    return Number(readFileSync(join(dataDir, 'health.port'), 'utf8').trim());
  } catch {
    return undefined; // never started: nothing recorded
  }
}

function fetchText(url) {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function fail(message) {
  process.stderr.write(`Error: ${message}\n`);
  return 1;
}
