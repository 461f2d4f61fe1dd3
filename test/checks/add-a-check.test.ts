import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HereCheck, HostCheck, PlanItem } from '../../src/checks/check.ts';
import { PLAN } from '../../src/checks/plan.ts';
import { commandContext } from '../../src/commands/context.ts';
import type { RunEvent } from '../../src/domain/events.ts';
import { checkResult } from '../../src/domain/verdict.ts';
import { connectHost } from '../../src/hosts/connect-host.ts';
import { runSmoke, type RunOutcome } from '../../src/pipeline/run.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { entries } from '../faults/fault-world.ts';

// The claim of the plan as data: a check is one object and one line in the plan; the columns,
// the order and the `skipped` cells follow without touching anything else.

let dir: string;
let sb: Sandbox;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoke-add-check-'));
  sb = await startSandbox({ dir, probes: { boot: { timeoutSeconds: 10, stopGraceSeconds: 3 } } });
});
afterAll(async () => {
  await sb?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Judged here, from the verified download: passes when the archive is at most `maxBytes`. */
function sizeCheck(maxBytes: number): HereCheck {
  return {
    name: 'size',
    where: 'here',
    needs: ['verified-archive'],
    run: async (_job, { download }) => {
      const bytes = download.asset!.size;
      return bytes <= maxBytes ? checkResult('size', 'pass', `${bytes} bytes`) : checkResult('size', 'fail', `${bytes} bytes, more than ${maxBytes}`);
    },
  };
}

/** Runs on the host after the probes: the extracted binary is there and executable. */
const onHostCheck: HostCheck = {
  name: 'still-there',
  where: 'host',
  needs: ['binary-on-host'],
  run: async (_job, { host }) => {
    const res = await host.remote.exec(`test -x ${host.shell.quote(host.binaryPath!)}`, { timeoutMs: 10_000, maxOutputBytes: 1024 });
    return checkResult('still-there', res.exitCode === 0 ? 'pass' : 'fail', `test -x exited ${String(res.exitCode)}`);
  },
};

async function run(plan: readonly PlanItem[], reports: string): Promise<{ outcome: RunOutcome; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const { config, github } = await commandContext({ config: sb.configPath }, { stdout: process.stdout, stderr: process.stderr, env: sb.env });
  const outcome = await runSmoke(
    { tag: 'v0.0.1', runId: `add-${reports}`, config, platforms: ['linux/amd64'], reportsDir: join(dir, reports), cacheDir: join(dir, 'cache'), post: false, keepOnFailure: false, plan },
    { github, connect: (host) => connectHost(host), onEvent: (e) => events.push(e), now: () => new Date() },
  );
  return { outcome, events };
}

function matrixHeader(reportDir: string): string[] {
  const md = readFileSync(join(reportDir, 'report.md'), 'utf8');
  const header = md.split('\n').find((line) => line.startsWith('| Platform |'))!;
  return header.slice(2, -2).split(' | ');
}

const withChecks = (size: HereCheck): PlanItem[] => [...PLAN.slice(0, 3), size, ...PLAN.slice(3), onHostCheck];

it('a check added to the plan runs in its place and is a column of the report, in order', async () => {
  const { outcome, events } = await run(withChecks(sizeCheck(1 << 30)), 'pass');
  if (outcome.kind !== 'tested') throw new Error(`not tested: ${outcome.kind}`);
  const columns = ['asset', 'checksum', 'archive', 'size', 'upload', 'version', 'boot', 'still-there'];
  expect(outcome.report.plan).toEqual(columns);
  const [linux] = outcome.report.platforms;
  expect(linux!.checks.map((c) => [c.name, c.status])).toEqual(columns.map((name) => [name, 'pass']));
  expect(outcome.report.verdict).toBe('pass');
  expect(matrixHeader(outcome.reportDir)).toEqual(['Platform', 'Host', 'Verdict', ...columns]);
  // Told as it ran, between the archive and the upload.
  const told = events.flatMap((e) => (e.kind === 'check' ? [e.result.name] : []));
  expect(told).toEqual(columns);
});

it('a failing added check skips every later one, and no host sees the archive', async () => {
  const { outcome } = await run(withChecks(sizeCheck(10)), 'fail');
  if (outcome.kind !== 'tested') throw new Error(`not tested: ${outcome.kind}`);
  const [linux] = outcome.report.platforms;
  expect(linux!.checks.map((c) => [c.name, c.status])).toEqual([
    ['asset', 'pass'],
    ['checksum', 'pass'],
    ['archive', 'pass'],
    ['size', 'fail'],
    ['upload', 'skipped'],
    ['version', 'skipped'],
    ['boot', 'skipped'],
    ['still-there', 'skipped'],
  ]);
  expect(linux!.checks.at(-1)!.detail).toBe('skipped: size failed');
  expect(linux!.host).toBeNull();
  expect(outcome.report.verdict).toBe('fail');
  expect(matrixHeader(outcome.reportDir).slice(3)).toEqual(['asset', 'checksum', 'archive', 'size', 'upload', 'version', 'boot', 'still-there']);
  expect(entries(join(dir, 'work'))).toEqual([]);
});
