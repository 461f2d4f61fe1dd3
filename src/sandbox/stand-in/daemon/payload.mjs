import { openSync, readSync, closeSync } from 'node:fs';

// Same marker as behaviour.ts (this file runs on a host with plain node: it cannot import TypeScript).
const MARKER = '\n#STANDIN-EPHEMERD-PAYLOAD#\n';

/** The behaviour a stand-in binary carries, or an Error saying why there is none. */
export function readPayload(binaryPath) {
  let fd;
  try {
    fd = openSync(binaryPath, 'r');
  } catch (err) {
    return new Error(`cannot open ${binaryPath}: ${err.code ?? err.message}`);
  }
  try {
    const head = Buffer.alloc(64 * 1024);
    const read = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, read);
    const at = text.indexOf(MARKER, 0, 'utf8');
    const end = at < 0 ? -1 : text.indexOf('\n', at + MARKER.length, 'utf8');
    if (end < 0) return new Error(`${binaryPath} is not a stand-in ephemerd (no payload)`);
    return JSON.parse(text.subarray(at + MARKER.length, end).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}
