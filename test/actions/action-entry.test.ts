import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configVariant, faultWorld, type FaultWorld } from '../faults/fault-world.ts';
import { actionRunner, annotations, runFiles } from './action-step.ts';

// The composite action's entry script, run as action.yml runs it (node with tsx, INPUT_* and
// GITHUB_* variables), against the fake GitHub and real sshd hosts. darwin/arm64's build exits
// at boot with the empty-kernel message; the other three are good.

let world: FaultWorld;
let runAction: ReturnType<typeof actionRunner>;

beforeAll(async () => {
  world = await faultWorld({ behaviours: { 'darwin/arm64': { variant: 'empty-kernel-exit' } } });
  runAction = actionRunner(world);
}, 180_000);
afterAll(async () => {
  await world.close();
});

// A passing step tests two platforms, one through a real pwsh: close to a minute on a shared machine.
describe('the action entry script', { timeout: 180_000 }, () => {
  it('a passing draft: verdict pass, per-platform outputs, a notice, the matrix in the summary, the reports as the artifact', async ({ signal }) => {
    const run = await runAction({ tag: 'v0.0.1', platforms: 'linux/amd64, windows/amd64' }, signal);
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      verdict: 'pass',
      'verdict-linux-amd64': 'pass',
      'verdict-windows-amd64': 'pass',
      'artifact-name': 'smoke-v0.0.1-linux_amd64-windows_amd64-smoke-attempt1',
      tags: '["v0.0.1"]',
      verdicts: '{"linux/amd64":"pass","windows/amd64":"pass"}',
    });
    expect(run.outputs['verdict-darwin-arm64']).toBeUndefined();
    expect(run.reports).toHaveLength(1);
    const report = run.reports[0]!;
    expect(run.artifact).toEqual(['index.html', ...runFiles(report), 'v0.0.1/latest.json'].sort());
    expect(annotations(run.stdout)).toEqual([`::notice title=smoke v0.0.1%3A pass::all 2 platforms passed (run ${report.runId})`]);
    expect(run.summary).toContain('| linux/amd64 | sandbox-linux-amd64 | ✅ pass |');
    expect(run.summary).toContain('### smoke action: pass');
    expect(run.summary).toContain('- reports: artifact smoke-v0.0.1-linux&#95;amd64-windows&#95;amd64-smoke-attempt1');
    expect(report.runUrl).toBe('https://github.com/ephpm/ephemerd/actions/runs/4242');
  });

  it('a failing draft: exit 1, verdict fail, an error naming the platform and its first failing check', async ({ signal }) => {
    const run = await runAction({ tag: 'v0.0.1', platforms: 'linux/amd64\ndarwin/arm64' }, signal);
    expect(run.code, run.stderr).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'fail', 'verdict-linux-amd64': 'pass', 'verdict-darwin-arm64': 'fail' });
    const lines = annotations(run.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::error title=smoke v0\.0\.1 darwin\/arm64%3A fail::darwin\/arm64 failed at boot: .*embedded embed\/vmlinuz is empty.* \(host sandbox-darwin-arm64\)$/);
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(run.summary).toContain('| darwin/arm64 | sandbox-darwin-arm64 | ❌ fail |');
    expect(run.summary).toMatch(/### smoke action: fail\n\n- smoke v0\.0\.1 darwin\/arm64: fail: darwin\/arm64 failed at boot/);
    expect(run.artifact).toEqual(['index.html', ...runFiles(run.reports[0]!), 'v0.0.1/latest.json'].sort());
    expect(await readFile(join(run.outputs['report-dir']!, 'v0.0.1', run.reports[0]!.runId, 'junit.xml'), 'utf8')).toContain('<failure');
  });

  it('an errored draft (a host refuses connections): exit 3, verdict error, an error naming the host\'s platform', async ({ signal }) => {
    const port = await closedPort();
    const config = await configVariant(world, 'unreachable.yaml', {}, { 'linux/arm64': { port } });
    const run = await runAction({ tag: 'v0.0.1', platforms: 'linux/arm64', config }, signal);
    expect(run.code, run.stderr).toBe(3);
    expect(run.outputs).toMatchObject({ verdict: 'error', 'verdict-linux-arm64': 'error', verdicts: '{"linux/arm64":"error"}' });
    const lines = annotations(run.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::error title=smoke v0\.0\.1 linux\/arm64%3A error::linux\/arm64 errored at upload: .*(refused|ECONNREFUSED)/);
    expect(run.artifact).toHaveLength(6); // the run's four files, latest.json, index.html
  });

  it('no draft to test: exit 3, verdict error, smoke\'s own reason as the annotation, nothing to upload', async ({ signal }) => {
    const run = await runAction({ tag: 'v9.9.9' }, signal);
    expect(run.code).toBe(3);
    expect(run.outputs).toMatchObject({ verdict: 'error', tags: '[]', verdicts: '{}' });
    expect(annotations(run.stdout)).toEqual([
      '::error title=smoke%3A error::no draft release with tag "v9.9.9" (published releases are not tested; a token without push access sees no drafts)',
    ]);
    expect(run.artifact).toEqual([]);
    expect(run.summary).toContain('### smoke action: error');
  });

  it('a watch pass with nothing new to test (if-changed, a tag with no draft): exit 0, verdict none, a notice', async ({ signal }) => {
    const run = await runAction({ tag: 'v9.9.9', 'if-changed': 'true' }, signal);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('no drafts of ephpm/ephemerd to test');
    expect(run.outputs).toMatchObject({ verdict: 'none', tags: '[]', verdicts: '{}', 'artifact-name': 'smoke-v9.9.9-smoke-attempt1' });
    expect(annotations(run.stdout)).toEqual(['::notice title=smoke::no new or changed draft to test']);
    expect(run.artifact).toEqual([]);
    expect(run.summary).toBe('### smoke action: none\n\n- no new or changed draft to test\n');
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
