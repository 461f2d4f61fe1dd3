import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { SECTION_BEGIN, SECTION_END, extractSection, findSections } from '../../src/posting/body-section.ts';
import { newRunId } from '../../src/pipeline/run-id.ts';
import { renderBodySection, renderRunningSection } from '../../src/report/markdown/render.ts';
import { runCli } from '../support/cli-io.ts';
import { configVariant, faultWorld, hostName, sectionData, setDraftBody, type FaultWorld } from './fault-world.ts';

const TAG = 'v0.0.1';
const LIMIT = 125_000;
let world: FaultWorld;
let config: string;
let asset: { name: string; sha256: string };

beforeAll(async () => {
  world = await faultWorld();
  // One platform expected: a result for it is current, so watch and gate can judge it alone.
  config = await configVariant(world, 'amd64.yaml', {}, {}, ['linux/amd64']);
  const linux = world.sb.release.assets.find((a) => a.platform === 'linux/amd64')!;
  asset = { name: linux.name, sha256: linux.sha256 };
}, 120_000);
afterAll(async () => {
  await world?.close();
});

/** Characters as GitHub counts them. */
const chars = (text: string): number => [...text].length;

/** Release notes of exactly `n` characters, emoji included, not ending in a line break. */
function notesOf(n: number): string {
  const line = 'Release notes 😀\n';
  const lines = Math.floor((n - 1) / chars(line));
  return line.repeat(lines) + 'x'.repeat(n - lines * chars(line));
}

/**
 * How long this run's sections will be: the `running` one, and the smallest result (data and one
 * verdict line). Run ids, timestamps, the commit and the runner have fixed lengths here.
 */
function sectionSizes(): { running: number; oneLine: number } {
  const runId = newRunId(new Date());
  const at = new Date().toISOString();
  const running = renderRunningSection({
    schema: 1, runId, state: 'running', verdict: null, tag: TAG, commit: world.sb.commit, assetDigests: {}, startedAt: at, finishedAt: null,
    runner: { hostname: hostname(), pid: process.pid },
  });
  const report: RunReport = {
    schema: 1, runId, tag: TAG, repo: 'ephpm/ephemerd', releaseId: world.sb.releaseId, commit: world.sb.commit, verdict: 'pass', startedAt: at, finishedAt: at,
    checksumsSha256: null, assetDigests: { [asset.name]: asset.sha256 }, insecureHosts: [],
    // The data comment keeps the platform's row: as long as the run's own.
    platforms: [{ platform: 'linux/amd64', host: hostName('linux/amd64'), asset: asset.name, sha256: asset.sha256, verdict: 'pass', checks: [] }],
  };
  return { running: running.length, oneLine: renderBodySection(report, { budget: 1 }).length };
}

/** Room the notes leave for the section's inside: the limit less the notes, the blank line and the markers. */
const notesLeaving = (room: number): string => notesOf(LIMIT - room - 2 - SECTION_BEGIN.length - SECTION_END.length - 2);

const setBody = (body: string): Promise<void> => setDraftBody(world.sb, body);

const reports = () => join(world.dir, 'reports');
const smoke = (...argv: string[]) => runCli([...argv, '--config', config], world.sb.env);
const downloadsSince = (from: number) => world.sb.fake.requests.slice(from).filter((r) => r.operationId === 'repos/get-release-asset' || r.origin === 'storage');

describe('release notes near GitHub’s 125,000-character limit', () => {
  it('room for one line: the result shrinks to a verdict line with the run id; status, gate and watch agree it passed', async () => {
    const { sb } = world;
    const sizes = sectionSizes();
    const notes = notesLeaving(sizes.oneLine + 40);
    await setBody(notes);

    const run = await smoke('run', TAG, '--reports', reports());
    expect(run.code, run.stderr).toBe(0);
    const body = sb.fake.release(sb.releaseId).body ?? '';
    expect(chars(body)).toBeLessThanOrEqual(LIMIT);
    expect(body.startsWith(`${notes}\n\n`)).toBe(true);
    expect(findSections(body)).toHaveLength(1);
    const data = sectionData(sb);
    expect(data).toMatchObject({ state: 'done', verdict: 'pass' });
    expect(extractSection(body)).toContain(`Smoke test: **✅ pass** · v0.0.1 · run ${data!.runId}`);
    expect(sb.fake.statuses(sb.commit)[0]).toMatchObject({ state: 'success', description: '1/1 platforms passed' });

    const gate = await smoke('gate', TAG);
    expect(gate.code, gate.stdout).toBe(0);
    expect(gate.stdout).toContain(`gate: open: run ${data!.runId} passed`);
    const from = sb.fake.requests.length;
    const watch = await smoke('watch', '--once', '--reports', reports());
    expect(watch.code, watch.stderr).toBe(0);
    expect(watch.stderr).toContain(`${TAG}: skipped: already tested: run ${data!.runId} ended in pass`);
    expect(downloadsSince(from)).toEqual([]);
  }, 180_000);

  it('room for the "testing" section but not the result: no stale "testing" is left; the status and gate say why; watch does not retest', async () => {
    const { sb } = world;
    const sizes = sectionSizes();
    expect(sizes.running).toBeLessThan(sizes.oneLine - 2);
    const notes = notesLeaving(Math.floor((sizes.running + sizes.oneLine) / 2));
    await setBody(notes);
    const from = sb.fake.requests.length;

    const run = await smoke('run', TAG, '--reports', reports());
    // The build passed, but nobody can read that from the draft: no verdict, as the status says.
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain("smoke: the release notes leave no room in the draft's body for even a one-line result");
    const patches = sb.fake.requests.slice(from).filter((r) => r.operationId === 'repos/update-release');
    const written = patches.map((r) => (r.requestBody as { body: string }).body);
    expect(written).toHaveLength(2);
    expect(written[0]).toContain('⏳ **testing**');
    expect(patches.map((r) => r.status)).toEqual([200, 200]);
    // The "testing" section is gone: the notes are back byte for byte, with the blank line that
    // was put before our section (it cannot be told from one a person wrote, so it stays).
    expect(sb.fake.release(sb.releaseId).body).toBe(`${notes}\n\n`);
    const left = chars(notes) + 2;
    const status = sb.fake.statuses(sb.commit)[0];
    expect(status).toMatchObject({ state: 'error', description: `not in the release body (no room; notes ${left} characters): 1/1 platforms passed` });

    const gate = await smoke('gate', TAG);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain(`gate: closed: the last result is not in the draft's body: its ${left} characters of release notes leave no room for it (status error: 1/1 platforms passed)`);

    const beforeWatch = sb.fake.requests.length;
    const watch = await smoke('watch', '--once', '--reports', reports());
    expect(watch.code, watch.stderr).toBe(0);
    expect(watch.stderr).toContain(`${TAG}: skipped: its last result found no room in the release body`);
    expect(downloadsSince(beforeWatch)).toEqual([]);
    expect(sb.fake.requests.slice(beforeWatch).filter((r) => r.method !== 'GET')).toEqual([]);

    // Shorter notes: the next watch tests it again, and the result fits.
    await setBody(notesLeaving(sizes.oneLine + 40));
    const again = await smoke('watch', '--once', '--reports', reports());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${TAG}: testing: never tested`);
    expect(sectionData(sb)).toMatchObject({ state: 'done', verdict: 'pass' });
  }, 240_000);
});
