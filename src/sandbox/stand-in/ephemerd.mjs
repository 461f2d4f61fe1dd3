#!/usr/bin/env node
// The sandbox's stand-in ephemerd. Hosts run a stand-in binary through it:
//   node ephemerd.mjs <binary> <args...>
// It reads the behaviour from the binary's payload (see binary.ts) and acts like the real
// ephemerd (/work/shared/DOMAIN.md, "The binary's behaviour"), or like one broken build of it.
// Plain JavaScript without dependencies: it runs on the host with plain node.
import { fileURLToPath } from 'node:url';
import { dataDirFrom } from './daemon/config.mjs';
import { spawnEscapee } from './daemon/escapee.mjs';
import { readPayload } from './daemon/payload.mjs';
import { HOSTILE_TEXT, serve } from './daemon/serve.mjs';
import { install, start, stop, uninstall } from './daemon/service.mjs';
import { status } from './daemon/status.mjs';

const [binaryPath, ...args] = process.argv.slice(2);

function versionLine(payload) {
  if (payload.variant === 'hostile') return `${HOSTILE_TEXT}\nephemerd version ${payload.version}\n`;
  if (payload.variant === 'no-stamp') return 'ephemerd version dev\n';
  if (payload.variant === 'wrong-version') return `ephemerd version ${payload.version === 'v0.0.0-stale' ? 'v9.9.9-stale' : 'v0.0.0-stale'}\n`;
  return `ephemerd version ${payload.version}\n`;
}

async function main() {
  if (!binaryPath) {
    process.stderr.write('usage: node ephemerd.mjs <stand-in binary> [ephemerd arguments]\n');
    return 2;
  }
  const payload = readPayload(binaryPath);
  if (payload instanceof Error) {
    process.stderr.write(`stand-in ephemerd: ${payload.message}\n`);
    return 126;
  }
  const command = commandOf(args);
  if (args[0] === '--version' || args[0] === '-v') {
    process.stdout.write(versionLine(payload));
    if (payload.variant === 'version-child') spawnEscapee('version');
    return 0;
  }
  const dataDir = dataDirFrom(args);
  switch (command) {
    case 'status':
      return status(dataDir);
    case 'install':
      return install(binaryPath, dataDir, fileURLToPath(import.meta.url));
    case 'start':
      return start();
    case 'stop':
      return stop();
    case 'uninstall':
      return uninstall(args);
    case 'doctor':
      return doctor(args);
    default:
      // Like the real CLI, anything else (`version` included) falls through to the daemon.
      await serve(payload, dataDir);
      return undefined;
  }
}

/** The first word that is neither a flag nor a flag's value. */
function commandOf(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--data-dir') i++;
    else if (!args[i].startsWith('-')) return args[i];
  }
  return 'serve';
}

function doctor(args) {
  if (!args.includes('--check')) {
    // The real `doctor` deletes host state without --check: a probe that runs it bare is a bug.
    process.stderr.write('stand-in ephemerd: refusing `doctor` without --check (the real one deletes state)\n');
    return 2;
  }
  process.stdout.write('root: ok\niptables: ok\nready: yes\n');
  return 0;
}

main().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`stand-in ephemerd: ${err.stack ?? err}\n`);
    process.exitCode = 70;
  },
);
