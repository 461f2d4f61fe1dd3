import { probeBoot } from '../probes/boot.ts';
import type { HostCheck } from './check.ts';
import type { PlanSetup } from './platform-job.ts';

/** `boot`: the daemon starts, says it is ready, answers, and stops leaving nothing behind. */
export const bootCheck: HostCheck & { applies: (setup: PlanSetup) => boolean } = {
  name: 'boot',
  where: 'host',
  needs: ['binary-on-host'],
  applies: ({ hosts }) => (hosts[0]?.probes.boot.mode ?? 'serve') !== 'off',
  run: async (_job, { host }) =>
    probeBoot(host.remote, host.shell, { binaryPath: host.binaryPath!, runDir: host.runDir!, settings: host.remote.host.probes.boot }),
};
