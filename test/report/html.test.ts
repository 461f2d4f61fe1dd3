import { describe, expect, it } from 'vitest';
import { checkResult } from '../../src/domain/verdict.ts';
import { toReportHtml } from '../../src/report/html.ts';
import { HOSTILE, platform, sampleReport } from './sample-report.ts';

describe('toReportHtml', () => {
  it('colours each cell by status and links it to its check detail', () => {
    const html = toReportHtml(sampleReport());
    expect(html).toContain('<td class="fail"><a href="#check-1-5">❌ fail</a></td>');
    expect(html).toContain('<details id="check-1-5" open><summary>boot: ❌ fail (3.2 s)</summary>');
    expect(html).toContain('<details id="check-0-0"><summary>asset');
    expect(html).toContain('<pre>level=INFO msg=&quot;starting ephemerd&quot;');
  });

  it('is self-contained: no scripts, no external resources', () => {
    const html = toReportHtml(sampleReport({ runUrl: 'https://github.com/o/r/actions/runs/1' }));
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('<a href="https://github.com/o/r/actions/runs/1">');
  });

  it('escapes every untrusted string', () => {
    const html = toReportHtml(
      sampleReport({
        tag: HOSTILE,
        insecureHosts: [HOSTILE],
        assetDigests: { [HOSTILE]: HOSTILE },
        runUrl: 'javascript:alert(1)',
        platforms: [platform(HOSTILE, { host: HOSTILE, checks: [checkResult(HOSTILE, 'fail', HOSTILE, 1, HOSTILE)] })],
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<!--');
    expect(html).not.toContain('javascript:');
    expect(html.match(/<a href="#check-\d+-\d+">/g)).toHaveLength(1);
  });
});
