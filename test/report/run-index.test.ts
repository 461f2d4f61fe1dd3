import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toReportJson } from '../../src/report/json.ts';
import { sortRuns, toRunIndexHtml, type RunIndexEntry } from '../../src/report/run-index.ts';
import { writeRunIndex } from '../../src/report/write-run-index.ts';
import { HOSTILE, sampleReport } from './sample-report.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function entry(tag: string, runId: string, finishedAt: string): RunIndexEntry {
  return { tag, runId, repo: 'o/r', verdict: 'pass', startedAt: finishedAt, finishedAt, platforms: [], href: `${tag}/${runId}/report.html` };
}

describe('run index', () => {
  it('lists runs of every tag newest first', () => {
    const sorted = sortRuns([
      entry('v1', 'r1', '2026-01-01T10:00:00Z'),
      entry('v2', 'r3', '2026-01-03T10:00:00Z'),
      entry('v1', 'r2', '2026-01-02T10:00:00Z'),
    ]);
    expect(sorted.map((e) => e.runId)).toEqual(['r3', 'r2', 'r1']);
  });

  it('escapes hostile tags, platform names and notes', () => {
    const hostile = { ...entry(HOSTILE, HOSTILE, HOSTILE), href: '"><script>', platforms: [{ platform: HOSTILE, verdict: 'fail' as const }] };
    const html = toRunIndexHtml([hostile], [{ path: HOSTILE, reason: HOSTILE }]);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<!-- smoke');
    expect(html).toContain('&lt;script&gt;');
  });

  it('is rebuilt from the report.json files, skipping a malformed one with a note', async () => {
    const reports = await mkdtemp(join(tmpdir(), 'smoke-index-'));
    dirs.push(reports);
    const put = async (tag: string, run: string, text: string) => {
      await mkdir(join(reports, tag, run), { recursive: true });
      await writeFile(join(reports, tag, run, 'report.json'), text);
    };
    await put('v1.2.3', 'run-1', toReportJson(sampleReport({ runId: 'run-1', finishedAt: '2026-01-01T10:00:00Z', verdict: 'fail' })));
    await put('v1.2.4', 'run-2', toReportJson(sampleReport({ runId: 'run-2', tag: 'v1.2.4', finishedAt: '2026-01-02T10:00:00Z', verdict: 'pass' })));
    await put('v1.2.4', 'run-3', '{"schema": 1, "runId": "run-3"');
    await put('v1.2.4', 'run-4', '{"schema": 1, "runId": "run-4", "verdict": "maybe"}');
    await mkdir(join(reports, 'v1.2.4', 'run-5'), { recursive: true }); // a run still writing: no report.json yet
    await writeFile(join(reports, 'v1.2.4', 'latest.json'), '{}');

    const built = await writeRunIndex(reports);
    expect(built.runs).toBe(2);
    expect(built.skipped.map((s) => s.path)).toEqual(['v1.2.4/run-3/report.json', 'v1.2.4/run-4/report.json']);
    expect(built.skipped[0]!.reason).toMatch(/^not JSON/);
    expect(built.skipped[1]!.reason).toMatch(/^not a smoke report/);
    const html = await readFile(join(reports, 'index.html'), 'utf8');
    const newer = html.indexOf('href="v1.2.4/run-2/report.html"');
    const older = html.indexOf('href="v1.2.3/run-1/report.html"');
    expect(newer).toBeGreaterThan(0);
    expect(older).toBeGreaterThan(newer);
    expect(html).toContain('<td class="fail">❌ fail</td>');
    expect(html).toContain('<code>v1.2.4/run-3/report.json</code>: not JSON');
  });

  it('writes an empty index for a reports folder that does not exist yet', async () => {
    const reports = await mkdtemp(join(tmpdir(), 'smoke-index-'));
    dirs.push(reports);
    const built = await writeRunIndex(reports);
    expect(built.runs).toBe(0);
    expect(await readFile(built.path, 'utf8')).toContain('No runs yet.');
  });

  it('lists runs of several repositories (<owner>/<name>/<tag>/<run>) beside the one-repository layout', async () => {
    const reports = await mkdtemp(join(tmpdir(), 'smoke-index-'));
    dirs.push(reports);
    const put = async (parts: string[], text: string) => {
      await mkdir(join(reports, ...parts), { recursive: true });
      await writeFile(join(reports, ...parts, 'report.json'), text);
    };
    await put(['v1.0.0', 'run-1'], toReportJson(sampleReport({ runId: 'run-1', tag: 'v1.0.0', finishedAt: '2026-01-01T10:00:00Z' })));
    await put(['ephpm', 'ephemerd', 'v1.0.0', 'run-2'], toReportJson(sampleReport({ runId: 'run-2', tag: 'v1.0.0', finishedAt: '2026-01-02T10:00:00Z' })));
    await put(['ephpm', 'agent', 'v1.0.0', 'run-3'], toReportJson(sampleReport({ runId: 'run-3', tag: 'v1.0.0', repo: 'ephpm/agent', finishedAt: '2026-01-03T10:00:00Z' })));
    await put(['ephpm', 'agent', 'v1.0.1', 'run-4'], '{');
    const built = await writeRunIndex(reports);
    expect(built.runs).toBe(3);
    expect(built.skipped.map((s) => s.path)).toEqual(['ephpm/agent/v1.0.1/run-4/report.json']);
    const html = await readFile(built.path, 'utf8');
    const order = ['ephpm/agent/v1.0.0/run-3', 'ephpm/ephemerd/v1.0.0/run-2', 'v1.0.0/run-1'].map((p) => html.indexOf(`href="${p}/report.html"`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain('<td>ephpm/agent</td>');
  });
});
