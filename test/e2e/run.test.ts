import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { extractSection, parseSectionData } from '../../src/github/body-section.ts';
import { SANDBOX_BODY, startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.ts';
import { runCli } from '../support/cli-io.ts';
import { forbiddenWrites } from './publish-guard.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sandbox(options: Omit<SandboxOptions, 'dir'> = {}): Promise<{ sb: Sandbox; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-e2e-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const sb = await startSandbox({
    dir,
    probes: { boot: { timeoutSeconds: 10, healthz: true, stopGraceSeconds: 3 } },
    ...options,
  });
  cleanups.push(() => sb.close());
  return { sb, dir };
}

function readReport(stdout: string): RunReport {
  return JSON.parse(stdout) as RunReport;
}

/** Nothing of a run is left on the host: no run directory under the sandbox's workdir. */
function workdirEntries(dir: string): string[] {
  const work = join(dir, 'work');
  return existsSync(work) ? readdirSync(work) : [];
}

describe('smoke run end to end (fake GitHub over HTTP, real sshd hosts)', () => {
  it('passes a good draft: exit 0, section and success status posted, reports written, human text intact', async () => {
    const { sb, dir } = await sandbox();
    const reports = join(dir, 'reports');
    const run = await runCli(['run', 'v0.0.1', '--config', sb.configPath, '--reports', reports, '--json'], sb.env);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code, run.stderr).toBe(0);
    const report = readReport(run.stdout);
    expect(report.verdict).toBe('pass');
    expect(report.platforms.map((p) => [p.platform, p.verdict])).toEqual([
      ['linux/amd64', 'pass'],
      ['linux/arm64', 'pass'],
      ['windows/amd64', 'pass'],
      ['darwin/arm64', 'pass'],
    ]);
    expect(report.commit).toBe(sb.commit);
    const body = sb.fake.release(sb.releaseId).body ?? '';
    expect(body.startsWith(SANDBOX_BODY)).toBe(true);
    const data = parseSectionData(extractSection(body) ?? '');
    expect(data).toMatchObject({ state: 'done', verdict: 'pass', commit: sb.commit });
    for (const a of sb.release.assets) expect(data?.assetDigests[a.name]).toBe(a.sha256);
    const statuses = sb.fake.statuses(sb.commit);
    expect(statuses[0]).toMatchObject({ state: 'success', context: 'smoke-test', description: '4/4 platforms passed' });
    expect(statuses.map((s) => s.state)).toContain('pending');
    const runDir = join(reports, 'v0.0.1', report.runId);
    for (const f of ['report.json', 'report.md', 'junit.xml', 'report.html']) expect(existsSync(join(runDir, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(reports, 'v0.0.1', 'latest.json'), 'utf8'))).toMatchObject({ runId: report.runId });
    expect(workdirEntries(dir)).toEqual([]);
    expect(forbiddenWrites(sb.fake)).toEqual([]);
    // The token reached no report.
    expect(readFileSync(join(runDir, 'report.json'), 'utf8')).not.toContain(sb.env.GITHUB_TOKEN);
  });
});
