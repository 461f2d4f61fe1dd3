import { describe, expect, it } from 'vitest';
import { toReportJson } from '../../src/report/json.ts';
import { sampleReport } from './sample-report.ts';

describe('toReportJson', () => {
  it('writes keys in schema order with 2-space indent and a final newline', () => {
    const json = toReportJson(sampleReport({ runUrl: 'https://x/run' }));
    expect(Object.keys(JSON.parse(json))).toEqual([
      'schema', 'runId', 'tag', 'repo', 'releaseId', 'commit', 'verdict', 'startedAt', 'finishedAt',
      'checksumsSha256', 'assetDigests', 'platforms', 'insecureHosts', 'runUrl',
    ]);
    expect(json).toMatch(/^\{\n {2}"schema": 1,\n/);
    expect(json.endsWith('}\n')).toBe(true);
  });

  it('gives the same bytes whatever order the input objects were built in', () => {
    const report = sampleReport();
    const shuffled = JSON.parse(JSON.stringify(report), (_key, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
    ) as typeof report;
    expect(toReportJson(shuffled)).toBe(toReportJson(report));
  });

  it('sorts asset digests and keeps the data intact', () => {
    const report = sampleReport();
    const parsed = JSON.parse(toReportJson(report)) as typeof report;
    expect(Object.keys(parsed.assetDigests)).toEqual([...Object.keys(report.assetDigests)].sort());
    expect(parsed).toEqual(report);
  });

  it('omits optional keys that are absent', () => {
    expect(toReportJson(sampleReport())).not.toContain('runUrl');
    expect(toReportJson(sampleReport())).not.toContain('insecureHostKey');
  });
});
