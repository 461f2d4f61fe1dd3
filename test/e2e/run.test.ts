import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { extractSection, parseSectionData } from '../../src/posting/body-section.ts';
import { SANDBOX_BODY, startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.ts';
import { runCli } from '../support/cli-io.ts';
import { entries, standInProcesses } from '../faults/fault-world.ts';
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

// The windows/amd64 host is the PowerShell host: each of its commands starts a PowerShell, seconds
// apiece on a busy machine, so a whole run takes longer than one test usually may.
describe('smoke run end to end (fake GitHub over HTTP, real sshd hosts)', { timeout: 300_000 }, () => {
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
    expect(entries(join(dir, 'work'))).toEqual([]);
    expect(forbiddenWrites(sb.fake)).toEqual([]);
    // The token reached no report.
    expect(readFileSync(join(runDir, 'report.json'), 'utf8')).not.toContain(sb.env.GITHUB_TOKEN);

    // The gate opens for the result that matches the draft.
    const open = await runCli(['gate', 'v0.0.1', '--config', sb.configPath], sb.env);
    expect(open.stdout).toContain('gate: open');
    expect(open.code).toBe(0);

    // A person edits the notes around our section; a re-run replaces the section and keeps both edits.
    const edited = `${body}\n\nKnown issues: none. — a person\n`;
    await patchBody(sb, `Intro by a person.\r\n\r\n${edited}`);
    const again = await runCli(['run', 'v0.0.1', '--config', sb.configPath, '--reports', reports], sb.env);
    expect(again.code, again.stderr).toBe(0);
    const after = sb.fake.release(sb.releaseId).body ?? '';
    expect(after.match(/<!-- smoke-test:begin -->/g)).toHaveLength(1);
    expect(after.startsWith(`Intro by a person.\r\n\r\n${SANDBOX_BODY}`)).toBe(true);
    expect(after.endsWith('\n\nKnown issues: none. — a person\n')).toBe(true);
    expect(parseSectionData(extractSection(after) ?? '')?.runId).not.toBe(report.runId);

    // An asset re-uploaded after the pass makes the result stale: the gate closes and says why.
    const linux = sb.release.assets.find((a) => a.platform === 'linux/amd64')!;
    const draft = sb.fake.release(sb.releaseId);
    sb.fake.removeAsset(draft.assets.find((a) => a.name === linux.name)!.id);
    sb.fake.addAsset(sb.releaseId, { name: linux.name, content: 'other bytes' });
    const stale = await runCli(['gate', 'v0.0.1', '--config', sb.configPath], sb.env);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(`${linux.name} was re-uploaded since it was tested`);
    expect(forbiddenWrites(sb.fake)).toEqual([]);
  });

  it('fails each broken build in its own cell with a detail a person can act on, and leaves hosts clean', async () => {
    const { sb, dir } = await sandbox({
      behaviours: {
        'linux/amd64': { variant: 'no-stamp' },
        'linux/arm64': { variant: 'wrong-version' },
        'windows/amd64': { variant: 'vm-not-started' },
        'darwin/arm64': { variant: 'empty-kernel-exit' },
      },
    });
    const run = await runCli(['run', 'v0.0.1', '--config', sb.configPath, '--reports', join(dir, 'reports'), '--json'], sb.env);
    expect(run.code, run.stderr).toBe(1);
    const report = readReport(run.stdout);
    const cell = (platform: string, check: string) =>
      report.platforms.find((p) => p.platform === platform)?.checks.find((c) => c.name === check);
    expect(cell('linux/amd64', 'version')).toMatchObject({ status: 'fail' });
    expect(cell('linux/amd64', 'version')?.detail).toContain('ephemerd version dev');
    expect(cell('linux/arm64', 'version')?.detail).toContain('v0.0.0-stale');
    expect(cell('windows/amd64', 'boot')).toMatchObject({ status: 'fail' });
    expect(cell('windows/amd64', 'boot')?.detail).toMatch(/is empty|Linux VM not started/);
    expect(cell('darwin/arm64', 'boot')?.detail).toContain('embedded embed/vmlinuz is empty');
    expect(report.platforms.map((p) => p.verdict)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(sb.fake.statuses(sb.commit)[0]).toMatchObject({ state: 'failure' });
    expect(entries(join(dir, 'work'))).toEqual([]);

    const gate = await runCli(['gate', 'v0.0.1', '--config', sb.configPath], sb.env);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('ended in failure');
  });

  it('fails builds that never become ready or exit early, and kills daemons that ignore SIGTERM or leave children', async () => {
    const { sb, dir } = await sandbox({
      behaviours: {
        'linux/amd64': { variant: 'never-ready' },
        'linux/arm64': { variant: 'exit-before-ready' },
        'windows/amd64': { variant: 'orphan-child' },
        'darwin/arm64': { variant: 'ignore-sigterm' },
      },
    });
    const run = await runCli(['run', 'v0.0.1', '--config', sb.configPath, '--reports', join(dir, 'reports'), '--json'], sb.env);
    const report = readReport(run.stdout);
    const boot = (platform: string) =>
      report.platforms.find((p) => p.platform === platform)?.checks.find((c) => c.name === 'boot');
    expect(boot('linux/amd64')).toMatchObject({ status: 'fail' });
    expect(boot('linux/amd64')?.detail).toMatch(/ready/);
    expect(boot('linux/arm64')).toMatchObject({ status: 'fail' });
    expect(boot('linux/arm64')?.detail).toMatch(/exit/);
    expect(boot('windows/amd64')?.status).toBe('pass');
    expect(boot('darwin/arm64')?.status).toBe('pass');
    expect(boot('darwin/arm64')?.detail).toMatch(/SIGTERM|kill/i);
    expect(run.code).toBe(1);
    // Every process group is gone: each sshd is init of its own PID namespace, so a survivor would be in its tree.
    for (const sshd of sb.hosts.values()) expect(standInProcesses(sshd.pid)).toEqual([]);
    expect(entries(join(dir, 'work'))).toEqual([]);
  });

  it('tests nothing while the draft is still waiting for an asset (exit 3), and gate says never tested', async () => {
    const { sb, dir } = await sandbox();
    const draft = sb.fake.release(sb.releaseId);
    const windows = draft.assets.find((a) => a.name.endsWith('_windows_amd64.zip'))!;
    sb.fake.removeAsset(windows.id);
    const run = await runCli(['run', 'v0.0.1', '--config', sb.configPath, '--reports', join(dir, 'reports')], sb.env);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`waiting for assets: ${windows.name}`);
    expect(sb.fake.requests.filter((r) => r.origin === 'storage')).toEqual([]);
    expect(sb.fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    const gate = await runCli(['gate', 'v0.0.1', '--config', sb.configPath], sb.env);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('was never tested');
  });
});

async function patchBody(sb: Sandbox, body: string): Promise<void> {
  const res = await fetch(`${sb.fake.url}/repos/ephpm/ephemerd/releases/${sb.releaseId}`, {
    method: 'PATCH',
    headers: { authorization: `token ${sb.env.GITHUB_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body }),
  });
  expect(res.status).toBe(200);
}
