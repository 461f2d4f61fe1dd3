import { stat } from 'node:fs/promises';
import { formatSize } from '../domain/format-size.ts';
import type { Remote } from '../hosts/remote.ts';
import { runOnHost } from '../hosts/run-on-host.ts';
import type { Shell } from '../shells/shell.ts';
import { parseHostFacts } from '../shells/host-facts.ts';

/**
 * Why an upload failed when the connection is still up, if the disk is the reason. SFTP reports
 * a full disk as a bare "Failure"; the free space under the workdir, read after the failure (the
 * partial file still there), says what a person must fix. undefined when it is not that.
 */
export async function noSpaceReason(remote: Remote, shell: Shell, localArchive: string): Promise<string | undefined> {
  if (!remote.connected) return undefined;
  const workdir = remote.host.workdir;
  const res = await runOnHost(remote, shell.hostFacts(workdir === undefined ? {} : { workdir }), 'read the free space', {
    timeoutMs: remote.host.timeouts.commandMs,
    maxOutputBytes: 16 * 1024,
  }).catch(() => undefined); // a second failure says nothing more about the first
  const free = res ? parseHostFacts(res.stdout).freeBytes : undefined;
  const { size } = await stat(localArchive);
  if (free === undefined || free >= size) return undefined;
  return `No space left on host ${remote.host.name}: ${formatSize(free)} free under ${workdir ?? 'the workdir'}, the archive needs ${formatSize(size)}`;
}
