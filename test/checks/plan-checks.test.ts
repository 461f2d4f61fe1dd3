import { describe, expect, it } from 'vitest';
import type { HereCheck, HostCheck } from '../../src/checks/check.ts';
import { PLAN } from '../../src/checks/plan.ts';
import { planChecks, planColumns, type PlanSetup } from '../../src/checks/platform-job.ts';
import type { SmokeConfig } from '../../src/config/types.ts';
import type { PlatformId } from '../../src/domain/platform.ts';
import { checkResult } from '../../src/domain/verdict.ts';
import { defaultTestProbes, hostConfigFor } from '../support/test-host-config.ts';

const sshd = { host: '127.0.0.1', port: 22, user: 'smoke', clientKeyPath: '/dev/null', hostKeyLine: 'x' };
const config = { hosts: [] } as unknown as SmokeConfig;

function setup(platform: PlatformId, probes: Partial<ReturnType<typeof defaultTestProbes>> = {}, launcher: string[] = []): PlanSetup {
  const host = hostConfigFor(sshd, { platform, launcher, probes: { ...defaultTestProbes(), ...probes } });
  return { platform, hosts: [host], config };
}

const names = (s: PlanSetup) => planChecks(PLAN, s).map((c) => c.name);
const extra = (name: string) => ({ name, command: 'true', expectExitCode: 0, timeoutMs: 1000 });

describe('the plan', () => {
  it('holds the checks in run order, from the first host’s probes', () => {
    expect(names(setup('linux/amd64'))).toEqual(['asset', 'checksum', 'archive', 'upload', 'version', 'boot']);
    expect(names(setup('linux/amd64', { extra: [extra('zeta'), extra('alpha')] }))).toEqual(['asset', 'checksum', 'archive', 'upload', 'version', 'boot', 'zeta', 'alpha']);
    expect(names(setup('linux/amd64', { version: { enabled: false, timeoutMs: 1 } }))).toEqual(['asset', 'checksum', 'archive', 'upload', 'boot']);
    expect(names({ platform: 'linux/amd64', hosts: [], config })).toEqual(['asset', 'checksum', 'archive', 'upload', 'version', 'boot']);
  });

  it('checks a darwin signature on a real Mac only, not where the build runs emulated', () => {
    expect(names(setup('darwin/arm64'))).toEqual(['asset', 'checksum', 'archive', 'upload', 'signature', 'version', 'boot']);
    expect(names(setup('darwin/arm64', {}, ['qemu']))).toEqual(['asset', 'checksum', 'archive', 'upload', 'version', 'boot']);
  });

  it('refuses a check on this machine placed after a host check: nothing reaches a host before them', () => {
    const late: HereCheck = { name: 'late', where: 'here', needs: [], run: async () => checkResult('late', 'pass', '') };
    expect(() => planChecks([...PLAN, late], setup('linux/amd64'))).toThrow('check plan: late (here) cannot follow boot (host)');
  });

  it('merges several plans into the report columns in run order, extra probes in first-seen order', () => {
    const probe = (name: string): HostCheck => ({ name, where: 'host', needs: [], run: async () => checkResult(name, 'pass', '') });
    const linux = [...planChecks(PLAN, setup('linux/amd64')), probe('zeta')];
    const darwin = [...planChecks(PLAN, setup('darwin/arm64')), probe('alpha')];
    expect(planColumns([linux, darwin])).toEqual(['asset', 'checksum', 'archive', 'upload', 'signature', 'version', 'boot', 'zeta', 'alpha']);
  });
});
