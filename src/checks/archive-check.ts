import { inspectArchive } from '../stages/inspect-archive.ts';
import type { HereCheck } from './check.ts';

/**
 * `archive`: safe entries, the right executable for the platform, above the size floor. Done
 * during the download when it could be (a fresh .tar.gz): its durationMs is then only the time
 * it took beyond the download's end, the part that is our own overhead.
 */
export const archiveCheck: HereCheck = {
  name: 'archive',
  where: 'here',
  needs: ['verified-archive'],
  run: async (job, { download, found }) => {
    const inspection = download.inspection ?? (await inspectArchive(download.localPath!, job.archive.inspect));
    found.binarySha256 = inspection.binary?.sha256 ?? null;
    return inspection.check;
  },
};
