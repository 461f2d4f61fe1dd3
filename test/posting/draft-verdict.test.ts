import { describe, expect, it } from 'vitest';
import { judgeDraft, type DraftNow } from '../../src/posting/draft-verdict.ts';
import { lostRows, mergeRows, type PlatformRow } from '../../src/posting/platform-rows.ts';
import { parseSectionData, renderSectionData, type SectionData } from '../../src/posting/section-data.ts';

const COMMIT = 'c'.repeat(40);
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'windows/amd64', 'darwin/arm64'];
const name = (p: string) => `ephemerd_v0.0.1_${p.replace('/', '_')}.${p.startsWith('windows') ? 'zip' : 'tar.gz'}`;
const sha = (p: string, salt = '') => (p + salt).replace(/[^a-z0-9]/g, '').padEnd(64, '0').slice(0, 64).replace(/[^0-9a-f]/g, 'a');

function now(overrides: Partial<DraftNow> = {}): DraftNow {
  return {
    expected: PLATFORMS.map((platform) => ({ platform, name: name(platform) })),
    assets: PLATFORMS.map((p) => ({ name: name(p), digest: `sha256:${sha(p)}` })),
    commit: COMMIT,
    ...overrides,
  };
}

function row(platform: string, overrides: Partial<PlatformRow> = {}): PlatformRow {
  return { platform, asset: name(platform), sha256: sha(platform), commit: COMMIT, runId: 'run-1', finishedAt: '2026-12-04T10:00:00Z', host: `h-${platform}`, verdict: 'pass', checks: {}, ...overrides };
}

function data(rows: PlatformRow[], overrides: Partial<SectionData> = {}): SectionData {
  return { schema: 1, runId: 'run-2', state: 'done', verdict: 'pass', tag: 'v0.0.1', commit: COMMIT, assetDigests: {}, startedAt: '2026-12-04T11:00:00Z', finishedAt: '2026-12-04T11:05:00Z', platforms: rows, ...overrides };
}

describe('judgeDraft: the one rule of the commit status and the gate', () => {
  it('partial: one platform passed of four is pending, naming the three untested', () => {
    const j = judgeDraft(data([row('linux/amd64')]), now());
    expect(j.state).toBe('pending');
    expect(j.description).toBe('1/4 platforms passed; untested: linux/arm64, windows/amd64, darwin/arm64');
    expect(j.reasons).toEqual(['linux/arm64 was not tested', 'windows/amd64 was not tested', 'darwin/arm64 was not tested']);
  });

  it('complete from two runs: success only with a current pass for every platform', () => {
    const rows = [row('linux/amd64'), ...PLATFORMS.slice(1).map((p) => row(p, { runId: 'run-2' }))];
    const j = judgeDraft(data(rows), now());
    expect(j).toMatchObject({ state: 'success', description: '4/4 platforms passed', reasons: [], runIds: ['run-1', 'run-2'] });
  });

  it('stale: a row whose asset was re-uploaded does not count, and says why', () => {
    const rows = PLATFORMS.map((p) => row(p));
    const assets = now().assets.map((a) => (a.name === name('windows/amd64') ? { ...a, digest: `sha256:${'f'.repeat(64)}` } : a));
    const j = judgeDraft(data(rows), now({ assets }));
    expect(j.state).toBe('pending');
    expect(j.description).toBe('3/4 platforms passed; stale: windows/amd64');
    expect(j.reasons).toEqual([`${name('windows/amd64')} was re-uploaded since it was tested`]);
    // No GitHub digest: cannot be confirmed unchanged, never green on a guess.
    const noDigest = now().assets.map((a) => ({ ...a, digest: null }));
    expect(judgeDraft(data(rows), now({ assets: noDigest })).state).toBe('pending');
  });

  it('a row for another commit is untested: the draft moved', () => {
    const rows = PLATFORMS.map((p) => row(p, p === 'darwin/arm64' ? { commit: 'd'.repeat(40) } : {}));
    const j = judgeDraft(data(rows), now());
    expect(j.state).toBe('pending');
    expect(j.reasons[0]).toContain('darwin/arm64 was tested at commit dddddddddddd, the draft now points at cccccccccccc');
  });

  it('failed: the worst current row decides, before what is untested', () => {
    const rows = [row('linux/amd64'), row('darwin/arm64', { verdict: 'fail', checks: { version: 'fail', boot: 'skipped' } })];
    const j = judgeDraft(data(rows), now());
    expect(j.state).toBe('failure');
    expect(j.description).toBe('darwin/arm64: version failed; not current: linux/arm64, windows/amd64');
    const errored = judgeDraft(data([row('linux/amd64', { verdict: 'error', checks: { upload: 'error' }, problem: { name: 'upload', detail: 'host unreachable' } })]), now());
    expect(errored.state).toBe('error');
    expect(errored.description).toContain('linux/amd64: host unreachable (error)');
    // A download cut every time leaves no digest: the error still stands; a pass without one does not.
    const cut = row('linux/amd64', { sha256: null, verdict: 'error', checks: { asset: 'error' }, problem: { name: 'asset', detail: 'ended after 5 of 9 bytes' } });
    expect(judgeDraft(data([cut]), now()).state).toBe('error');
    expect(judgeDraft(data([row('linux/amd64', { sha256: null })]), now()).state).toBe('pending');
  });

  it('never tested and running are pending', () => {
    expect(judgeDraft(null, now()).state).toBe('pending');
    expect(judgeDraft(data([], { state: 'running', verdict: null, finishedAt: null }), now()).state).toBe('pending');
  });

  it('a section written before rows were kept: its tested assets carry its verdict', () => {
    const { platforms: _, ...legacy } = data([]);
    const all = Object.fromEntries(PLATFORMS.map((p) => [name(p), sha(p)]));
    expect(judgeDraft({ ...legacy, assetDigests: all }, now()).state).toBe('success');
    expect(judgeDraft({ ...legacy, assetDigests: all, verdict: 'fail' }, now()).state).toBe('failure');
    expect(judgeDraft({ ...legacy, assetDigests: { [name('linux/amd64')]: sha('linux/amd64') } }, now()).state).toBe('pending');
  });
});

describe('mergeRows', () => {
  const order = PLATFORMS;
  it("replaces this run's platforms, keeps the others of the same commit, drops another commit's", () => {
    const earlier = [row('linux/amd64', { verdict: 'fail' }), row('linux/arm64'), row('darwin/arm64', { commit: 'd'.repeat(40) })];
    const mine = [row('linux/amd64', { runId: 'run-2', finishedAt: '2026-12-04T11:00:00Z' })];
    const merged = mergeRows(earlier, mine, { commit: COMMIT, order });
    expect(merged.map((r) => [r.platform, r.runId, r.verdict])).toEqual([
      ['linux/amd64', 'run-2', 'pass'],
      ['linux/arm64', 'run-1', 'pass'],
    ]);
  });

  it("a later run's row for the same platform wins over an older one merged again", () => {
    const later = [row('linux/amd64', { runId: 'run-3', finishedAt: '2026-12-04T12:00:00Z', verdict: 'fail' })];
    const older = [row('linux/amd64', { runId: 'run-2', finishedAt: '2026-12-04T11:00:00Z' }), row('linux/arm64', { runId: 'run-2', finishedAt: '2026-12-04T11:00:00Z' })];
    const merged = mergeRows(later, older, { commit: COMMIT, order });
    expect(merged.map((r) => [r.platform, r.runId])).toEqual([
      ['linux/amd64', 'run-3'],
      ['linux/arm64', 'run-2'],
    ]);
    expect(lostRows(merged, older)).toEqual([]);
    expect(lostRows(later, older)).toEqual(['linux/arm64']);
  });

  it('rows survive the data comment: own rows stored short, kept rows whole', () => {
    const rows = [row('linux/amd64', { runId: 'run-2', finishedAt: '2026-12-04T11:05:00Z' }), row('windows/amd64', { verdict: 'fail', checks: { boot: 'fail' } })];
    const d = data(rows, { assetDigests: { [name('linux/amd64')]: sha('linux/amd64') } });
    const back = parseSectionData(renderSectionData(d));
    expect(back?.platforms).toEqual(rows);
    expect(renderSectionData(d)).not.toContain('"runId":"run-2","finishedAt"');
  });
});
