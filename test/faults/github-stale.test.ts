import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractSection } from '../../src/posting/body-section.ts';
import { statusLabel } from '../../src/report/status-label.ts';
import { SANDBOX_BODY } from '../../src/sandbox/sandbox.ts';
import { entries, faultWorld, sectionData, standInProcesses, type FaultWorld } from './fault-world.ts';
import { runInProcess } from './github-in-process.ts';

let world: FaultWorld;
beforeAll(async () => {
  world = await faultWorld();
}, 60_000);
afterAll(async () => {
  await world.close();
});

describe('an asset re-uploaded while the run tests it', () => {
  it('marks the result stale: verdict error, status error saying stale, and the section never says pass', async () => {
    const { sb } = world;
    const linux = sb.release.assets.find((a) => a.platform === 'linux/amd64')!;
    let reuploaded = false;
    const { outcome } = await runInProcess(sb, world.dir, {
      platforms: ['linux/amd64'],
      onEvent: (event) => {
        // The bytes are on the host already: this run will test what the draft no longer carries.
        if (reuploaded || event.kind !== 'stage' || event.stage !== 'upload') return;
        reuploaded = true;
        const old = sb.fake.release(sb.releaseId).assets.find((a) => a.name === linux.name)!;
        sb.fake.removeAsset(old.id);
        sb.fake.addAsset(sb.releaseId, { name: linux.name, content: 'rebuilt bytes' });
      },
    });
    expect(reuploaded).toBe(true);
    if (outcome.kind !== 'tested') throw new Error(`expected a tested outcome, got ${outcome.kind}`);
    expect(outcome.report.stale).toEqual([linux.name]);
    expect(outcome.report.verdict).toBe('error');
    // The bytes it did test were good: the platform itself passed.
    expect(outcome.report.platforms[0]?.verdict).toBe('pass');

    const status = sb.fake.statuses(sb.commit)[0];
    expect(status?.state).toBe('error');
    expect(status?.description).toContain('stale');
    expect(status?.description).toContain(linux.name);
    const body = sb.fake.release(sb.releaseId).body ?? '';
    expect(body.startsWith(SANDBOX_BODY)).toBe(true);
    expect(sectionData(sb)).toMatchObject({ state: 'done', verdict: 'error', runId: outcome.report.runId });
    const section = extractSection(body) ?? '';
    expect(section).toContain(`**Stale result**: ${linux.name.replace(/_/g, '&#95;')} changed on the draft during the run`);
    // The run's own verdict line says error, never pass (the cells may: those bytes were fine).
    expect(section).toContain(`**${statusLabel('error')}** · v0.0.1`);
    expect(section).not.toContain(`**${statusLabel('pass')}**`);
    expect(entries(join(world.dir, 'work'))).toEqual([]);
    for (const sshd of sb.hosts.values()) expect(standInProcesses(sshd.pid)).toEqual([]);
  });
});
