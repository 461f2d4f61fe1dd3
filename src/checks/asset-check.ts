import { checkResult } from '../domain/verdict.ts';
import type { DownloadCheck } from './check.ts';

/** `asset`: the archive is on the draft and came down whole (judged by the fetch stage). */
export const assetCheck: DownloadCheck = {
  name: 'asset',
  where: 'download',
  needs: [],
  run: async (job, { download }) =>
    download.checks.find((c) => c.name === 'asset') ?? checkResult('asset', 'error', `${job.archive.name} was not fetched`),
};
