import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformId } from '../../src/domain/platform.ts';
import { configVariant, faultWorld, type FaultWorld } from '../faults/fault-world.ts';
import { runCli } from '../support/cli-io.ts';
import { actionRunner, annotations, runFiles } from './action-step.ts';

// The final job of a sharded workflow: the action's `merge` input over the shards' downloaded
// artifacts (each `smoke run <tag> --platform X --no-post` into a folder of its own), against the
// fake GitHub with `transport: local` hosts. linux/arm64's build prints `dev` for --version.

let world: FaultWorld;
let runAction: ReturnType<typeof actionRunner>;
/** What download-artifact leaves: one folder per shard's artifact. */
const artifact = (platform: PlatformId) => join(world.dir, 'artifacts', `smoke-v0.0.1-${platform.replace('/', '_')}-shard-attempt1`);
const config: Record<string, string> = {};

beforeAll(async () => {
  world = await faultWorld({ transport: 'local', behaviours: { 'linux/arm64': { variant: 'no-stamp' } } });
  runAction = actionRunner(world);
  config.pair = await configVariant(world, 'pair.yaml', {}, {}, ['linux/amd64', 'windows/amd64']);
  config.broken = await configVariant(world, 'broken.yaml', {}, {}, ['linux/amd64', 'linux/arm64']);
  config.missing = await configVariant(world, 'missing.yaml', {}, {}, ['linux/amd64', 'darwin/arm64']);
  for (const platform of ['linux/amd64', 'windows/amd64', 'linux/arm64'] as const) {
    const shard = await runCli(['run', 'v0.0.1', '--platform', platform, '--no-post', '--config', world.sb.configPath, '--reports', artifact(platform)], world.sb.env);
    expect(shard.code, shard.stderr).toBe(platform === 'linux/arm64' ? 1 : 0);
  }
}, 180_000);
afterAll(async () => {
  await world.close();
});

function latestStatus() {
  return world.sb.fake.statuses(world.sb.commit)[0];
}

describe('the action entry script with a merge input', { timeout: 120_000 }, () => {
  it('glob patterns over two passing shards: verdict pass, per-platform outputs, a notice, the summary, the merged reports as the artifact', async ({ signal }) => {
    const patterns = ['linux/amd64', 'windows/amd64'].map((p) => `${join(world.dir, 'artifacts', `smoke-v0.0.1-${p.replace('/', '_')}-*`)}/**/report.json`);
    const run = await runAction({ tag: 'v0.0.1', merge: patterns.join('\n'), config: config.pair! }, signal);
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      verdict: 'pass',
      'verdict-linux-amd64': 'pass',
      'verdict-windows-amd64': 'pass',
      'artifact-name': 'smoke-v0.0.1-merged-smoke-attempt1',
      tags: '["v0.0.1"]',
      verdicts: '{"linux/amd64":"pass","windows/amd64":"pass"}',
    });
    expect(run.reports).toHaveLength(1);
    const report = run.reports[0]!;
    expect(run.artifact).toEqual(['index.html', ...runFiles(report), 'v0.0.1/latest.json'].sort());
    expect(report.runUrl).toBe('https://github.com/ephpm/ephemerd/actions/runs/4242');
    expect(annotations(run.stdout)).toEqual([`::notice title=smoke v0.0.1%3A pass::all 2 platforms passed (run ${report.runId})`]);
    expect(run.summary).toContain('| linux/amd64 | sandbox-linux-amd64 | ✅ pass |');
    expect(run.summary).toContain('| windows/amd64 | sandbox-windows-amd64 | ✅ pass |');
    expect(run.summary).toContain('### smoke action: pass');
    expect(latestStatus()).toMatchObject({ state: 'success', description: '2/2 platforms passed', target_url: report.runUrl });
  });

  it('the shards\' folders, one broken: exit 1, verdict fail, an error naming the platform and its first failing check', async ({ signal }) => {
    const run = await runAction({ merge: `${artifact('linux/amd64')} ${artifact('linux/arm64')}`, config: config.broken! }, signal);
    expect(run.code, run.stderr).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'fail', 'verdict-linux-amd64': 'pass', 'verdict-linux-arm64': 'fail', 'artifact-name': 'smoke-merged-smoke-attempt1' });
    const lines = annotations(run.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::error title=smoke v0\.0\.1 linux\/arm64%3A fail::linux\/arm64 failed at version: .*dev.* \(host sandbox-linux-arm64\)$/);
    expect(run.summary).toContain('| linux/arm64 | sandbox-linux-arm64 | ❌ fail |');
    expect(latestStatus()).toMatchObject({ state: 'failure' });
  });

  it('a shard missing: exit 3, verdict error, an error saying not every platform has a result; the status stays pending', async ({ signal }) => {
    const [file] = (await readdir(artifact('linux/amd64'), { recursive: true })).filter((f) => f.endsWith('report.json'));
    const run = await runAction({ tag: 'v0.0.1', merge: join(artifact('linux/amd64'), file!), config: config.missing! }, signal);
    expect(run.code, run.stderr).toBe(3);
    expect(run.outputs).toMatchObject({ verdict: 'error', verdicts: '{"linux/amd64":"pass"}' });
    expect(annotations(run.stdout)).toEqual(['::error title=smoke v0.0.1%3A error::not every expected platform has a result; tested: linux/amd64']);
    expect(run.summary).toContain('### smoke action: error');
    expect(latestStatus()).toMatchObject({ state: 'pending', description: '1/2 platforms passed; untested: darwin/arm64' });
  });

  it('reports of another tag than the tag input: exit 2, smoke\'s reason as the annotation, nothing posted', async ({ signal }) => {
    const before = world.sb.fake.statuses(world.sb.commit).length;
    const run = await runAction({ tag: 'v0.0.9', merge: artifact('linux/amd64'), config: config.pair! }, signal);
    expect(run.code).toBe(2);
    expect(run.outputs).toMatchObject({ verdict: 'error', tags: '[]' });
    const [line] = annotations(run.stdout);
    expect(line).toContain('::error title=smoke%3A error::--tag v0.0.9: the reports are of v0.0.1 (');
    expect(run.artifact).toEqual([]);
    expect(world.sb.fake.statuses(world.sb.commit)).toHaveLength(before);
  });
});
