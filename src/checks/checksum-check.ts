import { checkResult } from '../domain/verdict.ts';
import type { DownloadCheck } from './check.ts';

/** `checksum`: our hash, checksums.txt and GitHub's digest agree (judged by the fetch stage). */
export const checksumCheck: DownloadCheck = {
  name: 'checksum',
  where: 'download',
  needs: [],
  run: async (job, { download }) =>
    download.checks.find((c) => c.name === 'checksum') ?? checkResult('checksum', 'error', `${job.archive.name} was not verified`),
};
