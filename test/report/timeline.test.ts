import { describe, expect, it } from 'vitest';
import { checkResult, type CheckResult } from '../../src/domain/verdict.ts';
import { toReportHtml } from '../../src/report/html.ts';
import { TIMELINE, formatSeconds, tickStep, timelineLayout } from '../../src/report/timeline-layout.ts';
import { timelineHtml } from '../../src/report/timeline-svg.ts';
import { draftLinks } from '../../src/report/draft-links.ts';
import { HOSTILE, platform, sampleReport } from './sample-report.ts';

const at = (c: CheckResult, startMs: number): CheckResult => ({ ...c, startMs });

describe('timeline layout', () => {
  it('puts every platform on one time axis: x from the start, width from the duration', () => {
    const layout = timelineLayout([
      platform('linux/amd64', { checks: [at(checkResult('asset', 'pass', '', 1000), 0), at(checkResult('boot', 'pass', '', 3000), 1000)] }),
      platform('darwin/arm64', { checks: [at(checkResult('asset', 'pass', '', 2000), 2000), at(checkResult('boot', 'fail', '', 4000), 4000)] }),
    ]);
    const span = TIMELINE.width - TIMELINE.labelWidth - TIMELINE.endWidth;
    expect(layout.scale).toBeCloseTo(span / 8000);
    const [linux, darwin] = layout.lanes;
    expect(linux!.bars.map((b) => [b.check, b.x, b.width])).toEqual([
      ['asset', TIMELINE.labelWidth, Math.round((span / 8) * 10) / 10],
      ['boot', Math.round((TIMELINE.labelWidth + span / 8) * 10) / 10, Math.round(((span * 3) / 8) * 10) / 10],
    ]);
    // Side by side: the later platform's bars start further right on the same scale.
    expect(darwin!.bars[0]!.x).toBeCloseTo(TIMELINE.labelWidth + span / 4, 0);
    expect(darwin!.bars[1]!.x + darwin!.bars[1]!.width).toBeCloseTo(TIMELINE.width - TIMELINE.endWidth, 0);
    expect(darwin!.y - linux!.y).toBe(TIMELINE.laneHeight);
    expect([linux!.endMs, darwin!.endMs]).toEqual([4000, 8000]);
  });

  it('places checks without a recorded start one after another, and draws no bar for a skipped check', () => {
    const layout = timelineLayout([
      platform('linux/amd64', {
        checks: [checkResult('asset', 'pass', '', 500), checkResult('checksum', 'pass', '', 250), checkResult('archive', 'fail', '', 250), checkResult('upload', 'skipped', 'skipped', 0)],
      }),
    ]);
    const bars = layout.lanes[0]!.bars;
    expect(bars.map((b) => [b.check, b.startMs])).toEqual([['asset', 0], ['checksum', 500], ['archive', 750]]);
    expect(bars.every((b) => b.width >= TIMELINE.minBar)).toBe(true);
  });

  it('picks round tick steps and reads seconds and minutes', () => {
    expect(tickStep(4000)).toBe(500);
    expect(tickStep(9000)).toBe(2000);
    expect(tickStep(300_000)).toBe(50_000);
    expect([formatSeconds(0), formatSeconds(1500), formatSeconds(42_000), formatSeconds(125_000)]).toEqual(['0 s', '1.5 s', '42 s', '2 min 5 s']);
  });
});

describe('timeline in report.html', () => {
  it('is inline SVG with a lane per platform and a bar per check that took time, each with its start and duration', () => {
    const report = sampleReport();
    report.platforms = report.platforms.map((p) => ({ ...p, checks: p.checks.map((c, i) => at(c, i * 1500)) }));
    const html = toReportHtml(report);
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg.match(/<g class="lane">/g)).toHaveLength(2);
    expect(svg.match(/<rect /g)).toHaveLength(12);
    expect(svg).toContain('<title>boot: fail, from 7.5 s for 3.2 s</title>');
    expect(svg).toMatch(/<g class="bar fail">.*stroke="#cf222e"/);
    expect(html).toContain('boot: ❌ fail (at 7.5 s, took 3.2 s)');
    expect(html).not.toMatch(/<script|<link|<img|src=|href="http(?!s?:\/\/github)/i);
  });

  it('escapes hostile platform and probe names, and never lets one pick a colour', () => {
    const hostile = platform(HOSTILE, { checks: [checkResult(HOSTILE, 'fail', HOSTILE, 2000), checkResult('constructor', 'pass', '', 1000)] });
    const html = timelineHtml([hostile]);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<!--');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('native code');
    for (const fill of html.match(/fill="[^"]*"|background:[^"]*"/g) ?? []) expect(fill).toMatch(/(fill="|background:)#[0-9a-f]{6}"/);
  });
});

describe('report links', () => {
  it('links the draft, the commit and the Actions run, and drops anything that is not http(s)', () => {
    const html = toReportHtml(sampleReport({
      draftUrl: 'https://github.com/o/r/releases/tag/v1.2.3',
      commitUrl: 'https://github.com/o/r/commit/c0ffee',
      runUrl: 'https://github.com/o/r/actions/runs/9',
    }));
    expect(html).toContain('<nav class="links"><a href="https://github.com/o/r/releases/tag/v1.2.3">Draft release</a> <a href="https://github.com/o/r/commit/c0ffee">Commit</a> <a href="https://github.com/o/r/actions/runs/9">Actions run</a></nav>');
    const bad = toReportHtml(sampleReport({ draftUrl: 'javascript:alert(1)', commitUrl: 'https://x/"><script>', runUrl: 'data:text/html,x' }));
    expect(bad).not.toContain('javascript:');
    expect(bad).not.toContain('data:text');
    expect(bad).not.toContain('"><script>');
  });
});

describe('draftLinks', () => {
  it('derives the commit page from the release page, on github.com or an Enterprise host', () => {
    const sha = 'ab'.repeat(20);
    expect(draftLinks('https://ghe.example.com/o/r/releases/tag/untagged-1', sha)).toEqual({
      draftUrl: 'https://ghe.example.com/o/r/releases/tag/untagged-1',
      commitUrl: `https://ghe.example.com/o/r/commit/${sha}`,
    });
    expect(draftLinks('https://github.com/o/r/releases/tag/v1', null)).toEqual({ draftUrl: 'https://github.com/o/r/releases/tag/v1' });
    expect(draftLinks('javascript:alert(1)//releases/x', sha)).toEqual({});
    expect(draftLinks(undefined, sha)).toEqual({});
  });
});
