import type { ExtraProbeSettings } from '../config/types.ts';
import { checkResult } from '../domain/verdict.ts';
import { probeCustom } from '../probes/custom.ts';
import type { HostCheck } from './check.ts';
import type { PlanSetup } from './platform-job.ts';

/** One check per probe under `probes.extra`, in the config's order, named as the config names it. */
export function extraProbeChecks({ hosts }: PlanSetup): HostCheck[] {
  return (hosts[0]?.probes.extra ?? []).map((planned) => extraProbeCheck(planned.name));
}

function extraProbeCheck(name: string): HostCheck {
  return {
    name,
    where: 'host',
    needs: ['binary-on-host'],
    run: async (_job, { host }) => {
      // The settings of the host it runs on: hosts of one platform may tune a probe differently.
      const probe: ExtraProbeSettings | undefined = host.remote.host.probes.extra.find((p) => p.name === name);
      if (!probe) return checkResult(name, 'skipped', `probe ${name} is not configured for ${host.remote.host.name}`);
      return probeCustom(host.remote, host.shell, { binaryPath: host.binaryPath!, runDir: host.runDir!, probe });
    },
  };
}
