import { judgeArchiveSize } from '../release/judge-archive-size.ts';
import { checkResult } from '../domain/verdict.ts';
import type { HereCheck } from './check.ts';

/**
 * `archive`: safe entries, the right executable for the platform, above the size floor, and a
 * size within `release.sizeChangeRatio` of the same platform's archive in the last published
 * release (the asset's `size`, nothing downloaded). Done during the download when it could be
 * (a fresh .tar.gz): its durationMs is then only the time beyond the download's end.
 */
export const archiveCheck: HereCheck = {
  name: 'archive',
  where: 'here',
  needs: ['verified-archive'],
  run: async (job, { inspection, download, found }) => {
    const { check, binary } = await inspection();
    found.binarySha256 = binary?.sha256 ?? null;
    if (check.status !== 'pass' || !download.asset) return check;
    const size = judgeArchiveSize({ asset: download.asset, previous: job.previous, maxChangeRatio: job.release.sizeChangeRatio });
    if (size.status === 'fail') return checkResult('archive', 'fail', size.detail[0]!, check.durationMs);
    return checkResult('archive', 'pass', check.detail, check.durationMs, size.detail.join('\n'));
  },
};
