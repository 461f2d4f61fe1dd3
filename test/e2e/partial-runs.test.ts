import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import type { GitHub } from '../../src/github/github.ts';
import { extractSection, parseSectionData } from '../../src/posting/body-section.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.ts';
import { postResults } from '../../src/stages/post-results.ts';
import { gitHubFor } from '../github/github-on-fake.ts';
import { runCli } from '../support/cli-io.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sandbox(options: Omit<SandboxOptions, 'dir'> = {}): Promise<{ sb: Sandbox; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-partial-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const sb = await startSandbox({ dir, probes: { boot: { timeoutSeconds: 10, healthz: true, stopGraceSeconds: 3 } }, ...options });
  cleanups.push(() => sb.close());
  return { sb, dir };
}

const ALL = ['linux/amd64', 'linux/arm64', 'windows/amd64', 'darwin/arm64'];
const only = (platforms: string[]) => platforms.flatMap((p) => ['--platform', p]);

function run(sb: Sandbox, dir: string, platforms: string[], extra: string[] = []) {
  return runCli(['run', 'v0.0.1', ...only(platforms), '--config', sb.configPath, '--reports', join(dir, 'reports'), ...extra], sb.env);
}

function rowsOf(sb: Sandbox) {
  return parseSectionData(extractSection(sb.fake.release(sb.releaseId).body ?? null) ?? '')?.platforms ?? [];
}

/** `smoke gate` and the latest `smoke-test` status say the same: open exactly when the status is `success`, and why. */
async function gateAgreesWithStatus(sb: Sandbox): Promise<{ state: string; description: string; gate: string }> {
  const [latest] = sb.fake.statuses(sb.commit);
  const gate = await runCli(['gate', 'v0.0.1', '--config', sb.configPath], sb.env);
  expect(gate.code).toBe(latest!.state === 'success' ? 0 : 1);
  expect(gate.stdout).toContain(latest!.description!);
  return { state: latest!.state, description: latest!.description!, gate: gate.stdout };
}

describe('a partial run never turns the gate green (fake GitHub over HTTP, real sshd hosts)', () => {
  it('one platform, then the other three (same digests), then an asset re-uploaded: status and gate agree at each step', async () => {
    const { sb, dir } = await sandbox();

    const first = await run(sb, dir, ['linux/amd64']);
    expect(first.code, first.stderr).toBe(0);
    const partial = await gateAgreesWithStatus(sb);
    expect(partial.state).toBe('pending');
    expect(partial.description).toBe('1/4 platforms passed; untested: linux/arm64, windows/amd64, darwin/arm64');
    expect(rowsOf(sb).map((r) => r.platform)).toEqual(['linux/amd64']);
    const firstRun = rowsOf(sb)[0]!.runId;

    const rest = await run(sb, dir, ALL.slice(1));
    expect(rest.code, rest.stderr).toBe(0);
    const complete = await gateAgreesWithStatus(sb);
    expect(complete.state).toBe('success');
    expect(complete.description).toBe('4/4 platforms passed');
    const rows = rowsOf(sb);
    expect(rows.map((r) => [r.platform, r.verdict])).toEqual(ALL.map((p) => [p, 'pass']));
    expect(rows[0]!.runId).toBe(firstRun);
    expect(new Set(rows.slice(1).map((r) => r.runId)).size).toBe(1);
    for (const a of sb.release.assets) expect(rows.find((r) => r.asset === a.name)?.sha256).toBe(a.sha256);
    const section = extractSection(sb.fake.release(sb.releaseId).body ?? null) ?? '';
    for (const p of ALL) expect(section).toContain(`| ${p} |`);
    expect(section).toContain(`linux/amd64: ✅ pass from run ${firstRun}`);

    // The Windows archive is re-uploaded: its row is stale, shown so, and the next partial run does not hide it.
    const windows = sb.release.assets.find((a) => a.platform === 'windows/amd64')!;
    const draft = sb.fake.release(sb.releaseId);
    sb.fake.removeAsset(draft.assets.find((a) => a.name === windows.name)!.id);
    sb.fake.addAsset(sb.releaseId, { name: windows.name, content: 'other bytes' });
    const again = await run(sb, dir, ['linux/amd64']);
    expect(again.code, again.stderr).toBe(0);
    const stale = await gateAgreesWithStatus(sb);
    expect(stale.state).toBe('pending');
    expect(stale.description).toBe('3/4 platforms passed; stale: windows/amd64');
    expect(stale.gate).toContain(`${windows.name} was re-uploaded since it was tested`);
    expect(extractSection(sb.fake.release(sb.releaseId).body ?? null)).toContain('⚠️ **stale** windows/amd64');
    expect(rowsOf(sb).map((r) => r.platform)).toEqual(ALL);
  }, 240_000);

  it('two runs posting at the same moment keep each other\'s rows; a failed row fails status and gate alike', async () => {
    const { sb, dir } = await sandbox({ behaviours: { 'darwin/arm64': { variant: 'no-stamp' } } });
    // Two machines test two halves of the draft; their results are posted at once.
    const halves = [ALL.slice(0, 2), ALL.slice(2)];
    const reports = await Promise.all(halves.map(async (half) => {
      const r = await run(sb, dir, half, ['--no-post', '--json']);
      return JSON.parse(r.stdout) as RunReport;
    }));
    expect(reports.map((r) => r.verdict)).toEqual(['pass', 'fail']);
    const draftPlatforms = sb.release.assets.map((a) => ({ platform: a.platform, name: a.name }));
    // Both read the body before either writes: the lost update GitHub's API allows, every time.
    const github = gitHubFor(sb.fake, sb.env.GITHUB_TOKEN!);
    const bothRead = barrier(2);
    const racing = (): GitHub => {
      let first = true;
      return { ...github, getRelease: async (id: number) => {
        const release = await github.getRelease(id);
        if (first) {
          first = false;
          await bothRead();
        }
        return release;
      } };
    };
    const patchesBefore = patches(sb);
    const posted = await Promise.all(reports.map((report, i) =>
      postResults(racing(), { report, tested: sb.fake.release(sb.releaseId), statusContext: 'smoke-test', expected: halves[i]!, draftPlatforms })));
    expect(posted.map((p) => p.lostRows)).toEqual([[], []]);
    // Each wrote once from the same old body; the one overwritten saw it on reading back and merged again.
    expect(patches(sb) - patchesBefore).toBeGreaterThanOrEqual(3);
    expect(rowsOf(sb).map((r) => [r.platform, r.verdict, r.runId])).toEqual([
      ['linux/amd64', 'pass', reports[0]!.runId],
      ['linux/arm64', 'pass', reports[0]!.runId],
      ['windows/amd64', 'pass', reports[1]!.runId],
      ['darwin/arm64', 'fail', reports[1]!.runId],
    ]);
    const failed = await gateAgreesWithStatus(sb);
    expect(failed.state).toBe('failure');
    expect(failed.description).toBe('darwin/arm64: version failed');
    expect(failed.gate).toContain('ended in failure');
  }, 240_000);
});

function patches(sb: Sandbox): number {
  return sb.fake.requests.filter((r) => r.method === 'PATCH' && r.origin === 'api').length;
}

/** Resolves for all `n` callers once the last has arrived. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    arrived += 1;
    if (arrived === n) open();
    return opened;
  };
}
