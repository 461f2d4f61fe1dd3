import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/domain/report.ts';
import { renderSectionData } from '../../src/posting/section-data.ts';
import { SANDBOX_BODY, startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { forbiddenWrites } from '../e2e/publish-guard.ts';
import { runCli, type CliRun } from '../support/cli-io.ts';

// A build under test is not trusted: the `hostile` stand-in prints our section's end marker,
// HTML, mass mentions and 10 MB of log. The escaping helpers are unit-tested in test/report;
// here the whole run goes through the CLI and every output a person reads is checked.

const EARLIER_DATA = renderSectionData({
  schema: 1, runId: 'earlier', state: 'done', verdict: 'pass', tag: 'v0.0.1', commit: null, assetDigests: {}, startedAt: 't0', finishedAt: 't1',
});
const AFTER = '\n\n## Checksums\n\nWritten by a person after the smoke section. <!-- keep me -->\n';
let dir: string;
let sb: Sandbox;
let run: CliRun;
let report: RunReport;
let body: string;
let runDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoke-hostile-'));
  sb = await startSandbox({
    dir,
    behaviours: { 'linux/amd64': { variant: 'hostile' }, 'linux/arm64': { variant: 'hostile' } },
    probes: { boot: { timeoutSeconds: 20, healthz: false, stopGraceSeconds: 2 } },
  });
  // A failed version probe skips the boot: linux/arm64's host skips `version`, so its boot logs the 10 MB.
  const raw = parse(await readFile(sb.configPath, 'utf8')) as { hosts: Array<Record<string, unknown>> };
  for (const host of raw.hosts) if (host.platform === 'linux/arm64') host.probes = { version: { enabled: false } };
  await writeFile(sb.configPath, stringify(raw));
  const res = await fetch(`${sb.fake.url}/repos/ephpm/ephemerd/releases/${sb.releaseId}`, {
    method: 'PATCH',
    headers: { authorization: `token ${sb.env.GITHUB_TOKEN}`, 'content-type': 'application/json' },
    // An earlier section between the person's text, so the new one must land between them.
    body: JSON.stringify({ body: `${SANDBOX_BODY}<!-- smoke-test:begin -->\n${EARLIER_DATA}\nan earlier result\n<!-- smoke-test:end -->${AFTER}` }),
  });
  expect(res.status).toBe(200);
  run = await runCli(['run', 'v0.0.1', '--config', sb.configPath, '--reports', join(dir, 'reports'), '--json', '--platform', 'linux/amd64', '--platform', 'linux/arm64'], sb.env);
  report = JSON.parse(run.stdout) as RunReport;
  body = sb.fake.release(sb.releaseId).body ?? '';
  runDir = join(dir, 'reports', 'v0.0.1', report.runId);
}, 120_000);
afterAll(async () => {
  await sb?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('hostile probe output (end marker, HTML, @mentions, 10 MB) through `smoke run`', () => {
  it('fails the build with the hostile text as evidence, without a crash', () => {
    expect(run.stderr).not.toContain('internal error');
    expect(run.code, run.stderr).toBe(1);
    const check = (platform: string, name: string) => report.platforms.find((p) => p.platform === platform)?.checks.find((c) => c.name === name);
    expect(check('linux/amd64', 'version')).toMatchObject({ status: 'fail' });
    expect(check('linux/amd64', 'version')?.detail).toContain('<script>alert(1)</script>');
    expect(check('linux/arm64', 'boot')).toMatchObject({ status: 'fail' });
    expect(check('linux/arm64', 'boot')?.detail).toContain('smoke-test:end');
    expect(forbiddenWrites(sb.fake)).toEqual([]);
  });

  it('keeps the body well-formed: one begin and one end marker, the human text on both sides intact', () => {
    expect(body.match(/<!-- smoke-test:begin -->/g)).toHaveLength(1);
    expect(body.match(/<!-- smoke-test:end -->/g)).toHaveLength(1);
    expect(body.startsWith(SANDBOX_BODY)).toBe(true);
    expect(body.endsWith(AFTER)).toBe(true);
    expect(body).not.toContain('an earlier result');
  });

  it('pings nobody, runs no HTML and stays within GitHub’s body cap', () => {
    expect(body).not.toMatch(/@everyone|@octocat/);
    expect(body).not.toContain('<script>');
    expect(body).not.toContain('</details></code>');
    expect(body.length).toBeLessThanOrEqual(125_000);
    // The evidence is still there for a person, made inert.
    expect(body).toContain('alert(1)');
  });

  it('writes a report.html without the script, a report.md without pings, and a junit.xml that parses', () => {
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('</details></code>');
    expect(readFileSync(join(runDir, 'report.md'), 'utf8')).not.toMatch(/@everyone|@octocat|<script>/);
    const junit = join(runDir, 'junit.xml');
    execFileSync('python3', ['-c', 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])', junit]);
    // Raw text in junit.xml is only allowed inside CDATA, which the parse above proves well-formed.
    expect(readFileSync(junit, 'utf8').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '')).not.toContain('<script>');
    // 10 MB of log did not become 10 MB of report.
    expect(readFileSync(join(runDir, 'report.json'), 'utf8').length).toBeLessThan(1_000_000);
  });
});
