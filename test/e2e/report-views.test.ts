import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { startSandbox } from '../../src/sandbox/sandbox.ts';
import { runCli } from '../support/cli-io.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('what a person looks at after `smoke run` (fake GitHub over HTTP, real sshd hosts)', () => {
  it('ends with a compact table, and writes report.html with timeline and links, and an index of every run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smoke-views-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const sb = await startSandbox({
      dir,
      probes: { boot: { timeoutSeconds: 10, healthz: true, stopGraceSeconds: 3 } },
      behaviours: { 'darwin/arm64': { variant: 'empty-kernel-exit' } },
    });
    cleanups.push(() => sb.close());
    const reports = join(dir, 'reports');
    const env = { ...sb.env, GITHUB_SERVER_URL: 'https://github.example', GITHUB_RUN_ID: '4242' };

    const first = await runCli(['run', 'v0.0.1', '--config', sb.configPath, '--reports', reports], env);
    expect(first.code, first.stderr).toBe(1);
    // The screen: a plain table, no Markdown, no data comment, no entities.
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^platform +verdict +asset +checksum +archive +build +signature +upload +version +boot +why$/);
    expect(lines.find((l) => l.startsWith('darwin/arm64'))).toMatch(/^darwin\/arm64 +FAIL +(pass +){7}FAIL +boot: .*vmlinuz is empty/);
    expect(lines.find((l) => l.startsWith('linux/amd64'))).toMatch(/^linux\/amd64 +pass( +pass){4} +– +pass +pass +pass$/);
    expect(first.stdout).not.toMatch(/<!--|&#|\||\x1b/);
    expect(first.stderr).toContain(join(reports, 'index.html'));

    const second = await runCli(['run', 'v0.0.1', '--config', sb.configPath, '--reports', reports, '--json'], env);
    const report = JSON.parse(second.stdout) as RunReport;
    // Every check that took time has a start offset within the run, in run order per platform.
    for (const p of report.platforms) {
      const starts = p.checks.map((c) => c.startMs);
      expect(starts.every((s) => typeof s === 'number' && s >= 0), p.platform).toBe(true);
      const timed = p.checks.filter((c) => c.durationMs > 0).map((c) => c.startMs!);
      expect(timed, p.platform).toEqual([...timed].sort((a, b) => a - b));
    }
    const html = readFileSync(join(reports, 'v0.0.1', report.runId, 'report.html'), 'utf8');
    expect(html.match(/<g class="lane">/g)).toHaveLength(4);
    expect(html).toMatch(/<g class="bar fail"><title>boot: fail, from [\d.]+ s for [\d.]+ s<\/title>/);
    expect(html).toContain(`<a href="${sb.fake.release(sb.releaseId).html_url}">Draft release</a>`);
    expect(html).toContain(`/commit/${sb.commit}">Commit</a>`);
    expect(html).toContain(`<a href="https://github.example/${sb.env.GITHUB_REPOSITORY}/actions/runs/4242">Actions run</a>`);

    const runs = readdirSync(join(reports, 'v0.0.1'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(runs).toHaveLength(2);
    const index = readFileSync(join(reports, 'index.html'), 'utf8');
    const [older, newer] = runs.map((r) => index.indexOf(`href="v0.0.1/${r}/report.html"`));
    expect(older).toBeGreaterThan(0);
    expect(newer).toBeGreaterThan(0);
    expect(newer).toBeLessThan(older!); // newest first
  }, 240_000); // two full runs of four platforms (one on a real pwsh): about 2 min when the machine is shared
});
