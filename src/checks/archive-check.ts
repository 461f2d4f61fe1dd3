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
  run: async (_job, { inspection }) => (await inspection()).check,
};
