import { checkResult } from '../domain/verdict.ts';
import { probeVersion } from '../probes/version.ts';
import type { HostCheck } from './check.ts';
import type { PlanSetup } from './platform-job.ts';

/** `version`: `--version` prints exactly `<binary> version <tag>`. */
export const versionCheck: HostCheck & { applies: (setup: PlanSetup) => boolean } = {
  name: 'version',
  where: 'host',
  needs: ['binary-on-host'],
  applies: ({ hosts }) => hosts[0]?.probes.version.enabled ?? true,
  run: async (job, { host }) => {
    const settings = host.remote.host.probes.version;
    if (!settings.enabled) return checkResult('version', 'skipped', `version probe is off for ${host.remote.host.name}`);
    return probeVersion(host.remote, host.shell, { binaryPath: host.binaryPath!, runDir: host.runDir!, tag: job.tag, settings });
  },
};
