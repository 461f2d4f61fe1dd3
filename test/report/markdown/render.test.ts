import { describe, expect, it } from 'vitest';
import { checkResult } from '../../../src/domain/verdict.ts';
import { renderBodySection, renderReportMarkdown, renderRunningSection } from '../../../src/report/markdown/render.ts';
import { parseSectionData } from '../../../src/posting/section-data.ts';
import { HOSTILE, SHA_A, SHA_B, platform, sampleReport } from '../sample-report.ts';

const hostileReport = () =>
  sampleReport({
    tag: 'v1.2.3 @everyone',
    insecureHosts: ['<b>mac</b>'],
    assetDigests: { [`evil${HOSTILE}.tar.gz`]: SHA_A },
    platforms: [
      platform('darwin/arm64', {
        verdict: 'fail',
        host: HOSTILE,
        checks: [checkResult('boot', 'fail', HOSTILE, 10, HOSTILE)],
      }),
    ],
  });

/** Markdown outside fenced code blocks, where syntax would be live. */
function withoutFences(md: string): string {
  return md.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '');
}

describe('renderReportMarkdown', () => {
  it('shows verdict, commit, digests, matrix and the details of what did not pass', () => {
    const md = renderReportMarkdown(sampleReport({ runUrl: 'https://github.com/o/r/actions/runs/9' }));
    expect(md).toContain('**❌ fail**');
    expect(md).toContain('commit `c0ffee000000`');
    expect(md).toContain(`\`${SHA_B.slice(0, 12)}\``);
    expect(md).toContain(`| ephemerd&#95;v1.2.3&#95;darwin&#95;arm64.tar.gz | \`${SHA_B}\` |`);
    expect(md).toContain('[run run-42](https://github.com/o/r/actions/runs/9)');
    expect(md).toMatch(/<summary>darwin\/arm64: ❌ fail \(boot\)<\/summary>/);
    expect(md).toContain('```text\nlevel=INFO msg="starting ephemerd"\nembedded embed/vmlinuz is empty (placeholder only)\n```');
    expect(md).not.toContain('<summary>linux/amd64');
  });

  it('calls out hosts reached without a verified host key and untested platforms', () => {
    const md = renderReportMarkdown(sampleReport({ insecureHosts: ['mac-1'] }), { expected: ['windows/amd64'] });
    expect(md).toContain('Host key not verified');
    expect(md).toContain('mac-1');
    expect(md).toContain('| windows/amd64 | – | ⚠️ error (not tested) |');
  });

  it('keeps hostile text inert everywhere outside fences', () => {
    const full = renderReportMarkdown(hostileReport());
    expect(full).not.toContain('<!--');
    expect(full).not.toContain('-->');
    const md = withoutFences(full);
    expect(md.length).toBeLessThan(full.length);
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<b>');
    expect(md).not.toMatch(/@(everyone|octocat)/);
    expect(md).not.toMatch(/(?<!&)#\d/);
  });

  it('fences the hostile excerpt with a fence no backtick run inside can close', () => {
    const md = renderReportMarkdown(hostileReport());
    expect(md).toContain('`````text\n');
  });
});

describe('renderBodySection', () => {
  it('starts with a data comment that reads back what was tested', () => {
    const report = sampleReport();
    const data = parseSectionData(renderBodySection(report, { budget: 60_000 }));
    expect(data).toMatchObject({ schema: 1, runId: 'run-42', state: 'done', verdict: 'fail', commit: report.commit });
    expect(data?.assetDigests).toEqual(report.assetDigests);
  });

  it('has exactly one comment opener (its data) even with hostile input', () => {
    const section = renderBodySection(hostileReport(), { budget: 60_000 });
    expect(section.split('<!--')).toHaveLength(2);
    expect(section.split('-->')).toHaveLength(2);
    expect(parseSectionData(section)?.tag).toBe('v1.2.3 @everyone');
  });

  it('stays within budget with a 10 MB excerpt, shortening evidence and keeping the matrix', () => {
    const huge = `${'x'.repeat(10 * 1024 * 1024)}\nembedded vmlinuz is empty (0 bytes)`;
    const report = sampleReport({
      platforms: [platform('windows/amd64', { verdict: 'fail', checks: [checkResult('boot', 'fail', 'bad vm', 1, huge)] })],
    });
    const section = renderBodySection(report, { budget: 120_000 });
    expect(section.length).toBeLessThanOrEqual(120_000);
    expect(section).toContain('| windows/amd64 |');
    expect(section).toContain('embedded vmlinuz is empty (0 bytes)');
    expect(section).toMatch(/\[… \d+ characters omitted\]/);
  });

  it('shrinks only itself: excerpts, then details, then one line per platform, then one verdict line', () => {
    const report = sampleReport();
    const roomy = renderBodySection(report, { budget: 100_000 });
    const tight = renderBodySection(report, { budget: roomy.length - 1 });
    expect(tight.length).toBeLessThan(roomy.length);
    expect(tight).toContain('| darwin/arm64 |');
    const noDetails = renderBodySection(report, { budget: 1200 });
    expect(noDetails).toContain('| darwin/arm64 |');
    expect(noDetails).toContain('Details omitted');
    expect(noDetails.length).toBeLessThanOrEqual(1200);

    const compact = renderBodySection(report, { budget: 800 });
    expect(compact.length).toBeLessThanOrEqual(800);
    expect(compact).not.toContain('| darwin/arm64 |');
    expect(compact).toContain('- darwin/arm64: ❌ fail (boot ❌ fail)');
    expect(compact).toContain('- linux/amd64: ✅ pass');

    const oneLine = renderBodySection(report, { budget: 600 });
    expect(oneLine.length).toBeLessThanOrEqual(600);
    expect(oneLine.split('\n')).toHaveLength(2);
    expect(oneLine.split('\n')[1]).toMatch(/^Smoke test: \*\*❌ fail\*\* · v1\.2\.3 · run run-42 · /);
    for (const form of [tight, noDetails, compact, oneLine]) expect(parseSectionData(form)).toMatchObject({ verdict: 'fail', runId: 'run-42' });

    // Below the data comment and one line nothing fits: the smallest form comes back, over budget.
    expect(renderBodySection(report, { budget: 10 })).toBe(oneLine);
  });
});

describe('renderRunningSection', () => {
  it('says a run is under way and records it as running', () => {
    const section = renderRunningSection({
      schema: 1,
      runId: 'r1',
      state: 'running',
      verdict: null,
      tag: 'v1.2.3',
      commit: SHA_A,
      assetDigests: {},
      startedAt: '2025-07-01T10:00:00Z',
      finishedAt: null,
    });
    expect(section).toContain('testing');
    expect(parseSectionData(section)?.state).toBe('running');
  });
});
