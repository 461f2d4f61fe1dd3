import { describe, expect, it } from 'vitest';
import { checkResult } from '../../src/domain/verdict.ts';
import { toJUnitXml } from '../../src/report/junit.ts';
import { cdata, escapeXml, stripInvalidXmlChars } from '../../src/report/xml-escape.ts';
import { HOSTILE, platform, sampleReport } from './sample-report.ts';

/** A light well-formedness check: outside CDATA, every `<` opens markup and every `&` an entity. */
function looksWellFormed(xml: string): boolean {
  const outside = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  const strayLt = /<(?![?/a-zA-Z])/.test(outside);
  const strayAmp = /&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(outside);
  const opened = (outside.match(/<[a-z][^>]*[^/]>/g) ?? []).filter((t) => !t.startsWith('<?')).length;
  const closed = (outside.match(/<\/[a-z-]+>/g) ?? []).length;
  return !strayLt && !strayAmp && opened === closed;
}

describe('toJUnitXml', () => {
  const report = sampleReport({
    platforms: [
      platform('linux/amd64'),
      platform('darwin/arm64', {
        verdict: 'fail',
        checks: [
          checkResult('version', 'error', 'host unreachable', 2500),
          checkResult('boot', 'fail', 'kernel "empty" & <bad>', 1234, 'log ]]> more\u0000\u0007'),
          checkResult('extra', 'skipped', 'skipped: boot failed'),
        ],
      }),
    ],
  });
  const xml = toJUnitXml(report);

  it('has a testsuite per platform and a testcase per check with counts', () => {
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml.match(/<testcase /g)).toHaveLength(9);
    expect(xml).toContain('<testsuite name="darwin/arm64" tests="3" failures="1" errors="1" skipped="1" time="3.734"');
    expect(xml).toContain('<testsuites name="smoke ephpm/ephemerd v1.2.3" tests="9" failures="1" errors="1" skipped="1"');
  });

  it('maps fail, error and skipped to their elements, with time in seconds', () => {
    expect(xml).toContain('name="boot" time="1.234">');
    expect(xml).toContain('<failure message="kernel &quot;empty&quot; &amp; &lt;bad&gt;" type="failure">');
    expect(xml).toContain('<error message="host unreachable" type="error">host unreachable</error>');
    expect(xml).toContain('<skipped message="skipped: boot failed"/>');
    expect(xml).toContain('<testcase classname="linux/amd64" name="asset" time="1.500"/>');
  });

  it('puts the excerpt in CDATA split on ]]> and strips characters XML forbids', () => {
    expect(xml).toContain('<system-out><![CDATA[log ]]]]><![CDATA[> more]]></system-out>');
    expect(looksWellFormed(xml)).toBe(true);
  });

  it('stays well-formed with hostile names, hosts, details and excerpts', () => {
    const hostile = sampleReport({
      tag: HOSTILE,
      platforms: [platform('linux/amd64', { host: HOSTILE, verdict: 'fail', checks: [checkResult(HOSTILE, 'fail', HOSTILE, 1, HOSTILE)] })],
    });
    const out = toJUnitXml(hostile);
    expect(looksWellFormed(out)).toBe(true);
    expect(out.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '')).not.toContain('<script>'); // CDATA is text
    expect(out).toContain('&#10;'); // newlines in attributes survive as references
  });
});

describe('xml escaping', () => {
  it('escapes the five special characters', () => {
    expect(escapeXml(`& < > " '`)).toBe('&amp; &lt; &gt; &quot; &apos;');
  });

  it('drops controls, lone surrogates and U+FFFE but keeps tabs, newlines and emoji', () => {
    expect(stripInvalidXmlChars('a\u0001b\uD800c\uFFFEd\te\nf😀')).toBe('abcd\te\nf😀');
  });

  it('splits every ]]> in CDATA', () => {
    expect(cdata(']]>]]>')).toBe('<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>');
  });
});
