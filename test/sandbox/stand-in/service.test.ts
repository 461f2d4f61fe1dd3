import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupGone, killGroup, StandInLab, type StandInRun } from './run-stand-in.ts';

let lab: StandInLab;
let serviceDir: string;
beforeEach(async () => {
  lab = await StandInLab.create();
  serviceDir = join(lab.dir, 'service');
});
afterEach(async () => {
  // The service daemon is not our child: kill its group by the recorded pid if a test left it.
  const pidFile = join(serviceDir, 'ephemerd.pid');
  if (existsSync(pidFile)) killGroup(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
  await lab.dispose();
});

async function cli(binary: string, args: string[]): Promise<StandInRun & { code: number | null }> {
  const run = lab.run(binary, args, { STANDIN_EPHEMERD_SERVICE_DIR: serviceDir });
  return { ...run, code: (await run.exited).code };
}

/** The daemon runs outside our process tree: nothing tells us when it is up, so ask (bounded). */
async function healthyWithin(statusOf: () => Promise<number | null>, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await statusOf()) === 0) return true;
  }
  return false;
}

describe('stand-in ephemerd service mode', () => {
  it('install, start, status, stop and uninstall --yes act on the installed binary', async () => {
    const installed = await lab.binary({ version: 'v1.2.3', variant: 'good' });
    const other = await lab.binary({ version: 'v1.2.3', variant: 'empty-kernel-exit' });
    const dataDir = await lab.dataDir('data', 0);

    expect((await cli(installed, ['install', '--data-dir', dataDir])).code).toBe(0);
    // `start` from another binary still boots the installed one, as a service manager does.
    const start = await cli(other, ['start']);
    expect(start.code).toBe(0);
    expect(start.stdout()).toBe('ephemerd started\n');
    expect(await healthyWithin(async () => (await cli(installed, ['status', '--data-dir', dataDir])).code)).toBe(true);
    const pid = Number(readFileSync(join(serviceDir, 'ephemerd.pid'), 'utf8'));
    expect(readFileSync(join(serviceDir, 'ephemerd.log'), 'utf8')).toContain('msg="ephemerd ready"');

    const stop = await cli(installed, ['stop']);
    expect(stop.code).toBe(0);
    expect(stop.stdout()).toBe('ephemerd stopped\n');
    expect(await groupGone(pid)).toBe(true);
    expect((await cli(installed, ['status', '--data-dir', dataDir])).code).toBe(1);

    const refused = await cli(installed, ['uninstall']);
    expect(refused.code).toBe(1);
    expect(refused.stderr()).toContain('--yes');
    expect((await cli(installed, ['uninstall', '--yes'])).code).toBe(0);
    expect(existsSync(serviceDir)).toBe(false);
  });

  it('refuses to start a service that was never installed', async () => {
    const start = await cli(await lab.binary({ version: 'v1.2.3', variant: 'good' }), ['start']);
    expect(start.code).toBe(1);
    expect(start.stderr()).toContain('not installed');
  });
});
