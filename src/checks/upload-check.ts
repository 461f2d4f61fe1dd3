import { stageOnHost } from '../stages/stage-on-host.ts';
import type { HostCheck } from './check.ts';

/** `upload`: the archive in a fresh run directory on the host, its hash verified there, extracted. */
export const uploadCheck: HostCheck = {
  name: 'upload',
  where: 'host',
  needs: ['verified-archive'],
  run: async (job, { download, found, host, onEvent }) => {
    const hostName = host.remote.host.name;
    const staged = await stageOnHost(host.remote, host.shell, {
      localArchive: download.localPath!,
      assetName: job.archive.name,
      expectedSha256: download.sha256!,
      binarySha256: found.binarySha256,
      binaryName: job.binaryName,
      platform: job.platform,
      runId: job.runId,
      onProgress: (bytes, total) => onEvent({ kind: 'upload-progress', platform: job.platform, host: hostName, bytes, total }),
    });
    host.runDir = staged.runDir;
    host.binaryPath = staged.binaryPath;
    return staged.check;
  },
};
