import { archiveCheck } from './archive-check.ts';
import { assetCheck } from './asset-check.ts';
import { bootCheck } from './boot-check.ts';
import type { PlanItem } from './check.ts';
import { checksumCheck } from './checksum-check.ts';
import { extraProbeChecks } from './extra-probe-checks.ts';
import { signatureCheck } from './signature-check.ts';
import { uploadCheck } from './upload-check.ts';
import { versionCheck } from './version-check.ts';

/**
 * Every platform's checks, in the order they run; the report's columns follow it. A check that
 * does not pass turns every later one `skipped`. Checks judged on this machine come before any
 * host sees a byte.
 */
export const PLAN: readonly PlanItem[] = [
  assetCheck,
  checksumCheck,
  archiveCheck,
  uploadCheck,
  signatureCheck,
  versionCheck,
  bootCheck,
  extraProbeChecks,
];
