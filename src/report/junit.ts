import type { RunReport } from '../domain/report.ts';
import type { CheckResult, PlatformResult } from '../domain/verdict.ts';
import { cdata, escapeXml } from './xml-escape.ts';

/**
 * JUnit XML for CI dashboards: a testsuite per platform, a testcase per check. `fail` is a
 * <failure>, `error` an <error>, `skipped` a <skipped/>; the log excerpt goes to system-out.
 */
export function toJUnitXml(report: RunReport): string {
  const all = report.platforms.flatMap((p) => p.checks);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name=${attr(`smoke ${report.repo} ${report.tag}`)} ${counts(all)}>`,
    ...report.platforms.map((p) => suite(p, report.finishedAt)),
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

function suite(platform: PlatformResult, timestamp: string): string {
  const host = platform.host === null ? '' : ` hostname=${attr(platform.host)}`;
  return [
    `  <testsuite name=${attr(platform.platform)} ${counts(platform.checks)} timestamp=${attr(timestamp)}${host}>`,
    ...platform.checks.map((c) => testcase(platform.platform, c)),
    '  </testsuite>',
  ].join('\n');
}

function testcase(platform: string, check: CheckResult): string {
  const open = `    <testcase classname=${attr(platform)} name=${attr(check.name)} time="${junitTime(check.durationMs)}"`;
  const children: string[] = [];
  if (check.status === 'fail') children.push(outcome('failure', check.detail));
  if (check.status === 'error') children.push(outcome('error', check.detail));
  if (check.status === 'skipped') children.push(`      <skipped message=${attr(check.detail)}/>`);
  if (check.excerpt !== undefined && check.excerpt !== '') {
    children.push(`      <system-out>${cdata(check.excerpt)}</system-out>`);
  }
  return children.length === 0 ? `${open}/>` : [`${open}>`, ...children, '    </testcase>'].join('\n');
}

function outcome(element: 'failure' | 'error', detail: string): string {
  return `      <${element} message=${attr(detail)} type="${element}">${escapeXml(detail)}</${element}>`;
}

function counts(checks: readonly CheckResult[]): string {
  const n = (status: CheckResult['status']): number => checks.filter((c) => c.status === status).length;
  const time = junitTime(checks.reduce((sum, c) => sum + c.durationMs, 0));
  return `tests="${checks.length}" failures="${n('fail')}" errors="${n('error')}" skipped="${n('skipped')}" time="${time}"`;
}

function attr(value: string): string {
  // Attribute values normalise newlines to spaces on read; encode them so the text survives.
  return `"${escapeXml(value).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;')}"`;
}

function junitTime(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0.000';
}
