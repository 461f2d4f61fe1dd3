import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { checkResult, type PlatformResult } from '../../src/domain/verdict.ts';
import { mergedReport, mergeShardReports, type MergedShards, type ShardReport } from '../../src/report/merge-reports.ts';
import { parseReportJson } from '../../src/report/parse-report-json.ts';
import { toReportJson } from '../../src/report/json.ts';
import { platform, SHA_A, SHA_B } from './sample-report.ts';

const COMMIT = 'c0ffee'.padEnd(40, '0');

/** One shard's report: one platform, its own run and times. */
function shard(id: string, overrides: Partial<RunReport> = {}, result: Partial<PlatformResult> = {}): ShardReport {
  const p = platform(id, { checks: [{ ...checkResult('asset', 'pass', 'ok', 100), startMs: 0 }, { ...checkResult('boot', 'pass', 'ok', 900), startMs: 100 }], ...result });
  const report: RunReport = {
    schema: 1,
    runId: `run-${id.replace('/', '-')}`,
    tag: 'v1.2.3',
    repo: 'ephpm/ephemerd',
    releaseId: 7,
    commit: COMMIT,
    verdict: p.verdict,
    startedAt: '2026-07-01T10:00:00.000Z',
    finishedAt: '2026-07-01T10:01:00.000Z',
    checksumsSha256: SHA_B,
    assetDigests: p.asset && p.sha256 ? { [p.asset]: p.sha256 } : {},
    platforms: [p],
    plan: ['asset', 'boot'],
    insecureHosts: [],
    ...overrides,
  };
  return { file: `shards/${id.replace('/', '-')}/report.json`, report };
}

function problems(shards: ShardReport[]): string[] {
  const outcome = mergeShardReports(shards);
  if (outcome.ok) throw new Error('expected a refusal');
  return outcome.problems;
}

describe('mergeShardReports', () => {
  it('merges one platform per shard: earliest start, latest finish, offsets on the merged timeline, run urls kept only when shared', () => {
    const outcome = mergeShardReports([
      shard('linux/amd64', { startedAt: '2026-07-01T10:00:05.000Z', finishedAt: '2026-07-01T10:02:00.000Z', runUrl: 'https://x/run/1' }),
      shard('darwin/arm64', { startedAt: '2026-07-01T10:00:00.000Z', finishedAt: '2026-07-01T10:01:00.000Z', runUrl: 'https://x/run/1', plan: ['asset', 'signature', 'boot'] }),
    ]);
    if (!outcome.ok) throw new Error(outcome.problems.join('\n'));
    const { merged } = outcome;
    expect(merged).toMatchObject({ tag: 'v1.2.3', releaseId: 7, commit: COMMIT, startedAt: '2026-07-01T10:00:00.000Z', finishedAt: '2026-07-01T10:02:00.000Z', runUrl: 'https://x/run/1', runIds: ['run-linux-amd64', 'run-darwin-arm64'] });
    expect(merged.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'darwin/arm64']);
    // linux/amd64 started 5 s after the merged start: its checks move by 5 s; darwin's stay.
    expect(merged.platforms[0]!.checks.map((c) => c.startMs)).toEqual([5000, 5100]);
    expect(merged.platforms[1]!.checks.map((c) => c.startMs)).toEqual([0, 100]);
    // darwin's signature check runs before boot: its column stays there.
    expect(merged.plan).toEqual(['asset', 'signature', 'boot']);
    const apart = mergeShardReports([shard('linux/amd64', { runUrl: 'https://x/run/1' }), shard('linux/arm64', { runUrl: 'https://x/run/2' })]);
    expect(apart.ok && apart.merged.runUrl).toBeUndefined();
  });

  it('takes the same result given twice once (the same file passed twice, or a folder and a file in it)', () => {
    const a = shard('linux/amd64');
    const outcome = mergeShardReports([a, { ...a, file: 'elsewhere/report.json' }, shard('linux/arm64')]);
    expect(outcome.ok && outcome.merged.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('refuses reports of different commits, tags, drafts or repositories, naming each value with its files', () => {
    const a = shard('linux/amd64');
    const b = shard('linux/arm64', { commit: 'b'.repeat(40) });
    const c = shard('windows/amd64');
    expect(problems([a, b, c])).toEqual([`the reports are of different commits: ${COMMIT} in ${a.file}, ${c.file}; ${'b'.repeat(40)} in ${b.file}`]);
    expect(problems([a, shard('linux/arm64', { tag: 'v1.2.4' })])).toEqual([`the reports are of different tags: v1.2.3 in ${a.file}; v1.2.4 in shards/linux-arm64/report.json`]);
    expect(problems([a, shard('linux/arm64', { releaseId: 8 })])[0]).toMatch(/^the reports are of different draft release ids: 7 in .*; 8 in /);
    expect(problems([a, shard('linux/arm64', { repo: 'other/repo' })])[0]).toMatch(/^the reports are of different repositories: ephpm\/ephemerd in .*; other\/repo in /);
  });

  it('refuses two sha256 for one asset (in a platform or in assetDigests) and two checksums.txt digests', () => {
    const a = shard('linux/amd64');
    const asset = a.report.platforms[0]!.asset!;
    const other = shard('linux/amd64', { runId: 'run-again' }, { sha256: SHA_B });
    other.file = 'other/report.json';
    expect(problems([a, other])).toEqual([
      `the reports give different sha256 for ${asset}: ${SHA_A} in ${a.file}; ${SHA_B} in other/report.json`,
      `two results for linux/amd64: ${a.file} (run run-linux-amd64, pass) and other/report.json (run run-again, pass); merge one of them`,
    ]);
    // Another platform's report that also lists the asset's digest (a run of several platforms).
    const wide = shard('linux/arm64', { assetDigests: { [asset]: SHA_B } });
    expect(problems([a, wide])).toEqual([`the reports give different sha256 for ${asset}: ${SHA_A} in ${a.file}; ${SHA_B} in ${wide.file}`]);
    expect(problems([a, shard('linux/arm64', { checksumsSha256: SHA_A })])).toEqual([
      `the reports give different sha256 for checksums.txt: ${SHA_B} in ${a.file}; ${SHA_A} in shards/linux-arm64/report.json`,
    ]);
  });

  it('refuses two different results for one platform, naming both files', () => {
    const a = shard('darwin/arm64');
    const b = shard('darwin/arm64', { runId: 'run-2', verdict: 'fail' }, { verdict: 'fail', checks: [checkResult('boot', 'fail', 'embedded vmlinuz is empty')] });
    b.file = 'retry/report.json';
    expect(problems([a, b])).toEqual([`two results for darwin/arm64: ${a.file} (run run-darwin-arm64, pass) and retry/report.json (run run-2, fail); merge one of them`]);
  });

  it('refuses a report whose verdict its platforms do not explain (a cancelled run), but not a stale one', () => {
    const cancelled = shard('linux/amd64', { verdict: 'error' });
    expect(problems([cancelled])).toEqual([`${cancelled.file} says error but its platforms say pass (a cancelled run?): run that shard again`]);
    const stale = mergeShardReports([shard('linux/amd64', { verdict: 'error', stale: ['x.zip'] })]);
    expect(stale.ok && stale.merged.stale).toEqual(['x.zip']);
  });
});

describe('mergedReport', () => {
  function merged(...shards: ShardReport[]): MergedShards {
    const outcome = mergeShardReports(shards);
    if (!outcome.ok) throw new Error(outcome.problems.join('\n'));
    return outcome.merged;
  }
  const ALL = ['linux/amd64', 'linux/arm64', 'windows/amd64', 'darwin/arm64'];
  const facts = { runId: 'merge-1', expected: ALL, stale: [], releaseHtmlUrl: 'https://github.com/o/r/releases/tag/v1.2.3' };

  it('judges every expected platform as one run would: in the configured order, pass only when all four passed', () => {
    const four = merged(...['darwin/arm64', 'windows/amd64', 'linux/arm64', 'linux/amd64'].map((p) => shard(p)));
    const report = mergedReport(four, facts);
    expect(report).toMatchObject({ runId: 'merge-1', verdict: 'pass', draftUrl: facts.releaseHtmlUrl, commitUrl: `https://github.com/o/r/commit/${COMMIT}` });
    expect(report.platforms.map((p) => p.platform)).toEqual(ALL);
    expect(Object.keys(report.assetDigests)).toHaveLength(4);
    expect(mergedReport(merged(shard('linux/amd64'), shard('linux/arm64'), shard('windows/amd64')), facts).verdict).toBe('error');
    const broken = shard('darwin/arm64', { verdict: 'fail' }, { verdict: 'fail', checks: [checkResult('boot', 'fail', 'embedded vmlinuz is empty')] });
    expect(mergedReport(merged(shard('linux/amd64'), broken), facts).verdict).toBe('fail');
    expect(mergedReport(four, { ...facts, stale: ['x.zip'] })).toMatchObject({ verdict: 'error', stale: ['x.zip'] });
  });
});

describe('parseReportJson', () => {
  it('reads what toReportJson writes', () => {
    const { report } = shard('linux/amd64', { runUrl: 'https://x/run/1', stale: ['a.zip'] });
    expect(parseReportJson(toReportJson(report))).toEqual({ ok: true, report: JSON.parse(toReportJson(report)) });
  });

  it('says what is wrong in one line: not JSON, another schema, a wrong key', () => {
    expect(parseReportJson('{"schema": 1,')).toMatchObject({ ok: false, problem: expect.stringMatching(/^not JSON \(/) });
    const { report } = shard('linux/amd64');
    expect(parseReportJson(JSON.stringify({ ...report, schema: 2 }))).toEqual({ ok: false, problem: 'not a smoke report.json (schema 1): schema: Invalid input: expected 1' });
    const wrong = parseReportJson(JSON.stringify({ ...report, platforms: [{ ...report.platforms[0], verdict: 'green' }] }));
    expect(wrong).toMatchObject({ ok: false, problem: expect.stringContaining('platforms.0.verdict: ') });
    expect(parseReportJson('[]')).toMatchObject({ ok: false, problem: expect.stringMatching(/^not a smoke report\.json \(schema 1\): the top level: /) });
  });
});
