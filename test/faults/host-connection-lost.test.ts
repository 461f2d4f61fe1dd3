import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandContext } from '../../src/commands/context.ts';
import { runDepsFor, runInputFor } from '../../src/commands/run-input.ts';
import type { RunEvent } from '../../src/domain/events.ts';
import { runSmoke } from '../../src/pipeline/run.ts';
import { SANDBOX_BODY } from '../../src/sandbox/sandbox.ts';
import { configVariant, faultWorld, hostName, sectionData, standInProcesses, type FaultWorld, whenServing } from './fault-world.ts';

let world: FaultWorld;

beforeAll(async () => {
  world = await faultWorld({
    // Random padding: the linux/amd64 archive is 30 MB, so its upload is still going when sshd dies.
    sizeBytes: { 'linux/amd64': 30 * 1024 * 1024 },
    // linux/arm64 is slow to get ready: sshd dies while the boot probe waits for it.
    behaviours: { 'linux/arm64': { variant: 'good', readyAfterMs: 8000 } },
  });
}, 120_000);

afterAll(async () => {
  await world.close();
});

describe('a host whose sshd dies in the middle of a run', () => {
  it('during the upload and during the boot probe: `error` (never `fail`), cleanup says where it could not clean, others unaffected', async () => {
    const { sb } = world;
    const config = await configVariant(world, 'lost.yaml', { timeouts: { connectSeconds: 3 } });
    const io = { stdout: process.stdout, stderr: process.stderr, env: { ...sb.env } };
    const ctx = await commandContext({ config }, io);
    const amd64 = sb.hosts.get('linux/amd64')!;
    const arm64 = sb.hosts.get('linux/arm64')!;
    const seen: RunEvent[] = [];
    let uploadKilled = false;
    let bootWatch: Promise<void> | undefined;
    const onEvent = (event: RunEvent) => {
      seen.push(event);
      if (event.kind === 'upload-progress' && event.platform === 'linux/amd64' && !uploadKilled) {
        uploadKilled = true;
        amd64.kill();
      }
      if (event.kind === 'stage' && event.platform === 'linux/arm64' && event.stage === 'boot' && !bootWatch) {
        bootWatch = whenServing(arm64.pid).then(() => arm64.kill());
      }
    };
    const input = runInputFor('v0.0.1', ctx.config, [...ctx.config.platforms.keys()], { reports: join(world.dir, 'reports'), post: true }, sb.env);
    const outcome = await runSmoke(input, runDepsFor(ctx.github, onEvent));
    await bootWatch;
    expect(uploadKilled).toBe(true);
    if (outcome.kind !== 'tested') throw new Error(`not tested: ${outcome.kind}`);
    const { report } = outcome;
    const platform = (id: string) => report.platforms.find((p) => p.platform === id)!;
    const check = (id: string, name: string) => platform(id).checks.find((c) => c.name === name);

    expect(report.verdict).toBe('error');
    expect(platform('linux/amd64').verdict).toBe('error');
    expect(check('linux/amd64', 'upload')?.status).toBe('error');
    expect(check('linux/amd64', 'upload')?.detail).toMatch(/connection lost during upload/);
    expect(check('linux/amd64', 'upload')?.detail).toContain(hostName('linux/amd64'));
    const amd64Cleanup = check('linux/amd64', 'cleanup');
    expect(amd64Cleanup?.status).toBe('error');
    expect(amd64Cleanup?.detail).toMatch(new RegExp(`could not clean .*smoke-${input.runId}.* on host ${hostName('linux/amd64')}.*smoke hosts clean`));

    expect(platform('linux/arm64').verdict).toBe('error');
    expect(check('linux/arm64', 'version')?.status).toBe('pass');
    expect(check('linux/arm64', 'boot')?.status).toBe('error');
    expect(check('linux/arm64', 'boot')?.detail).toContain(hostName('linux/arm64'));
    const arm64Cleanup = check('linux/arm64', 'cleanup');
    expect(arm64Cleanup?.status).toBe('error');
    expect(arm64Cleanup?.detail).toContain(`on host ${hostName('linux/arm64')}`);

    expect(platform('windows/amd64').verdict).toBe('pass');
    expect(platform('darwin/arm64').verdict).toBe('pass');
    // Where it could not clean, the run directory is left for `smoke hosts clean`; the reachable hosts are clean.
    for (const c of [amd64Cleanup, arm64Cleanup]) {
      const dir = /could not clean (\S+) on host/.exec(c?.detail ?? '')?.[1];
      expect(dir && existsSync(dir), c?.detail).toBe(true);
    }
    for (const id of ['windows/amd64', 'darwin/arm64'] as const) expect(standInProcesses(sb.hosts.get(id)!.pid)).toEqual([]);
    expect(seen.some((e) => e.kind === 'warning' && e.platform === 'linux/amd64' && /retrying/.test(e.message))).toBe(true);

    expect(sb.fake.statuses(sb.commit)[0]).toMatchObject({ state: 'error', context: 'smoke-test' });
    expect(sectionData(sb)).toMatchObject({ state: 'done', verdict: 'error', runId: input.runId });
    expect((sb.fake.release(sb.releaseId).body ?? '').startsWith(SANDBOX_BODY)).toBe(true);
  }, 120_000);
});
