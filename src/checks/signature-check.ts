import { performance } from 'node:perf_hooks';
import { judgeCodeSignature } from '../archive/code-signature/judge-code-signature.ts';
import { judgementResult } from '../domain/judgement.ts';
import type { HereCheck } from './check.ts';
import type { PlanSetup } from './platform-job.ts';

/**
 * `signature` (darwin), before any host and without a Mac: every code page against the
 * CodeDirectory's hashes, the entitlements against their special slots, and each entitlement of
 * `release.entitlements` granted, as `codesign --verify` and `codesign -d --entitlements -` tell.
 */
export const signatureCheck: HereCheck & { applies: (setup: PlanSetup) => boolean } = {
  name: 'signature',
  where: 'here',
  needs: ['verified-archive'],
  applies: ({ platform }) => platform.startsWith('darwin/'),
  run: async (job, { inspection }) => {
    const started = performance.now();
    const { evidence } = await inspection();
    if (!evidence) throw new Error(`signature: the archive check passed without a binary for ${job.platform}`);
    return judgementResult('signature', judgeCodeSignature(evidence.signature, job.release.entitlements), performance.now() - started);
  },
};
