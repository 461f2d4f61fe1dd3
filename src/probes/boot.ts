import { checkResult, type CheckResult } from '../domain/verdict.ts';
import type { Remote } from '../hosts/remote.ts';
import type { Shell } from '../shells/shell.ts';
import { probeBootServe, type BootServeInput } from './boot-serve.ts';
import { probeBootService } from './boot-service.ts';

/** The boot check in the mode the host's config asks for. */
export function probeBoot(remote: Remote, shell: Shell, input: BootServeInput): Promise<CheckResult> {
  switch (input.settings.mode) {
    case 'off':
      return Promise.resolve(checkResult('boot', 'skipped', `boot probe is off for ${remote.host.name}`));
    case 'service':
      return probeBootService(remote, shell, input);
    case 'serve':
      return probeBootServe(remote, shell, input);
  }
}
