import { performance } from 'node:perf_hooks';
import { judgeBuildInfo } from '../archive/go-build-info/judge-build-info.ts';
import { judgementResult } from '../domain/judgement.ts';
import type { HereCheck } from './check.ts';

/**
 * `build`: the Go build info in the binary (read in the archive's pass) says it was built for
 * this platform, stamped with the draft's tag, from the draft's commit and a clean tree, with
 * the cgo setting the release wants.
 */
export const buildCheck: HereCheck = {
  name: 'build',
  where: 'here',
  needs: ['verified-archive'],
  run: async (job, { inspection }) => {
    const started = performance.now();
    const { evidence } = await inspection();
    if (!evidence) throw new Error(`build: the archive check passed without a binary for ${job.platform}`);
    const judgement = judgeBuildInfo(evidence.buildInfo, { platform: job.platform, tag: job.tag, commit: job.commit, rules: job.release });
    return judgementResult('build', judgement, performance.now() - started);
  },
};
