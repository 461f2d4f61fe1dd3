import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { SANDBOX_BODY } from '../../src/sandbox/sandbox.ts';
import { runCli } from '../support/cli-io.ts';
import { entries, faultWorld, sectionData, standInProcesses, type FaultWorld } from './fault-world.ts';

let world: FaultWorld;
beforeAll(async () => {
  world = await faultWorld();
}, 180_000);
afterAll(async () => {
  await world.close();
});

const argv = () => ['run', 'v0.0.1', '--platform', 'linux/amd64', '--config', world.sb.configPath, '--reports', join(world.dir, 'reports'), '--json'];

describe('two runs for one draft at once', () => {
  it('on one machine (the schedule and a person): one tests, the other exits 3 naming the run; one finished section', async () => {
    const { sb } = world;
    const [a, b] = await Promise.all([runCli(argv(), sb.env), runCli(argv(), sb.env)]);
    const tested = [a, b].filter((r) => r.stdout.trim() !== '');
    const refused = [a, b].filter((r) => r.stdout.trim() === '');
    expect(tested).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(tested[0]!.code, tested[0]!.stderr).toBe(0);
    const report = JSON.parse(tested[0]!.stdout) as RunReport;
    expect(refused[0]!.code).toBe(3);
    expect(refused[0]!.stderr).toMatch(
      new RegExp(`^smoke: another smoke run is testing v0\\.0\\.1 \\(run ${report.runId} since \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\\); nothing was tested\\n$`),
    );

    const body = sb.fake.release(sb.releaseId).body ?? '';
    expect(body.startsWith(SANDBOX_BODY)).toBe(true);
    expect(body.match(/<!-- smoke-test:begin -->/g)).toHaveLength(1);
    expect(body.match(/<!-- smoke-test:end -->/g)).toHaveLength(1);
    expect(sectionData(sb)).toMatchObject({ state: 'done', verdict: 'pass', runId: report.runId });
    // The refused run posted nothing: two statuses, both from the run that tested. It tested one
    // platform of the draft's four, so its result is `pending`, naming the untested three.
    expect(sb.fake.statuses(sb.commit).map((s) => [s.state, s.description])).toEqual([
      ['pending', '1/4 platforms passed; untested: linux/arm64, windows/amd64, darwin/arm64'],
      ['pending', 'testing 1 platform'],
    ]);
    expect(entries(join(world.dir, 'work'))).toEqual([]);
    for (const sshd of sb.hosts.values()) expect(standInProcesses(sshd.pid)).toEqual([]);
  });

  it('on another machine (a running section in the body): refused while young, tested once it is older than 2 h', async () => {
    const { sb } = world;
    const before = sb.fake.release(sb.releaseId).body ?? '';
    const running = (startedAt: string) =>
      `${SANDBOX_BODY}\n<!-- smoke-test:begin -->\n<!-- smoke-test:data ${JSON.stringify({
        schema: 1, runId: 'elsewhere-1', state: 'running', verdict: null, tag: 'v0.0.1', commit: sb.commit, assetDigests: {}, startedAt, finishedAt: null,
      })} -->\n### Smoke test\n\ntesting\n<!-- smoke-test:end -->\n`;
    await patchBody(running(new Date(Date.now() - 60_000).toISOString()));
    const statusesBefore = sb.fake.statuses(sb.commit).length;
    const young = await runCli(argv(), sb.env);
    expect(young.code).toBe(3);
    expect(young.stderr).toContain('another smoke run is testing v0.0.1 (run elsewhere-1 since ');
    expect(sectionData(sb)?.runId).toBe('elsewhere-1');
    expect(sb.fake.statuses(sb.commit)).toHaveLength(statusesBefore);

    await patchBody(running(new Date(Date.now() - 3 * 3600_000).toISOString()));
    const old = await runCli(argv(), sb.env);
    expect(old.code, old.stderr).toBe(0);
    const after = sb.fake.release(sb.releaseId).body ?? '';
    expect(after.match(/<!-- smoke-test:begin -->/g)).toHaveLength(1);
    expect(sectionData(sb)).toMatchObject({ state: 'done', verdict: 'pass' });
    expect(before).not.toBe(after);
  });
});

async function patchBody(body: string): Promise<void> {
  const res = await fetch(`${world.sb.fake.url}/repos/ephpm/ephemerd/releases/${world.sb.releaseId}`, {
    method: 'PATCH',
    headers: { authorization: `token ${world.sb.env.GITHUB_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body }),
  });
  expect(res.status).toBe(200);
}
