import { probeSignature } from '../probes/signature.ts';
import type { HostCheck } from './check.ts';
import type { PlanSetup } from './platform-job.ts';

/**
 * `signature` (darwin): signed, with the virtualization entitlement. Left out of the plan where
 * every host runs the build emulated (the sandbox's stand-ins): codesign cannot judge it there.
 */
export const signatureCheck: HostCheck & { applies: (setup: PlanSetup) => boolean } = {
  name: 'signature',
  where: 'host',
  needs: ['binary-on-host'],
  applies: ({ platform, hosts }) => platform.startsWith('darwin/') && hosts.some((h) => h.launcher.length === 0),
  run: async (_job, { host }) => probeSignature(host.remote, host.shell, { binaryPath: host.binaryPath! }),
};
