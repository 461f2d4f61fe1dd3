import { probeSignature } from '../probes/signature.ts';
import type { HostCheck } from './check.ts';
import type { PlanSetup } from './platform-job.ts';

/**
 * `codesign` (darwin, on a real Mac): what macOS itself says of the signature and entitlements,
 * Developer ID included. The static `signature` check has already verified the pages and the
 * entitlements here; this one is left out where every host runs the build emulated (the
 * sandbox's stand-ins): codesign cannot judge it there.
 */
export const codesignCheck: HostCheck & { applies: (setup: PlanSetup) => boolean } = {
  name: 'codesign',
  where: 'host',
  needs: ['binary-on-host'],
  applies: ({ platform, hosts }) => platform.startsWith('darwin/') && hosts.some((h) => h.launcher.length === 0),
  run: async (_job, { host }) => ({ ...(await probeSignature(host.remote, host.shell, { binaryPath: host.binaryPath! })), name: 'codesign' }),
};
