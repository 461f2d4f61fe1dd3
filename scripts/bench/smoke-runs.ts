// Whole `smoke run`s through the real CLI against a bench world, and what their reports say.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlatformId } from '../../src/domain/platform.ts';
import type { RunReport } from '../../src/domain/report.ts';
import { runCli, type CliRun } from './run-cli.ts';
import { TAG, type World } from './world.ts';

export interface SmokeRun extends CliRun {
  report: RunReport;
}

/** One `smoke run --no-post --json`, with an empty download cache so every byte is fetched. */
export async function smokeRun(world: World, dir: string, platforms: PlatformId[] = []): Promise<SmokeRun> {
  await rm(world.env.SMOKE_CACHE_DIR!, { recursive: true, force: true });
  const args = ['run', TAG, '--config', world.configPath, '--reports', join(dir, 'reports'), '--no-post', '--json'];
  for (const p of platforms) args.push('--platform', p);
  const run = await runCli(args, world.env);
  let report: RunReport;
  try {
    report = JSON.parse(run.stdout) as RunReport;
  } catch {
    throw new Error(`smoke run ${platforms.join(' ')} exited ${String(run.exitCode)} without a report:\n${run.stderr.slice(-2000)}`);
  }
  if (report.verdict !== 'pass') {
    const why = report.platforms.flatMap((p) => p.checks.filter((c) => c.status !== 'pass').map((c) => `${p.platform} ${c.name}: ${c.detail}`));
    throw new Error(`smoke run did not pass: ${why.join('; ')}`);
  }
  return { ...run, report };
}

export interface Breakdown {
  platform: string;
  /** The run's window from report.json (startedAt..finishedAt), in ms. */
  runMs: number;
  downloadMs: number;
  archiveMs: number;
  uploadMs: number;
  probesMs: number;
  /** runMs minus download, upload and probes: connecting, inspecting, cleaning up, our code. */
  overheadMs: number;
}

/** Not probes: the fetch stage's checks, the upload, and a cleanup problem. */
const NOT_PROBES = new Set(['asset', 'checksum', 'archive', 'upload', 'cleanup']);

/** Where a single-platform run's time went, from its report.json. */
export function breakdown(report: RunReport): Breakdown {
  const p = report.platforms[0]!;
  const ms = (names: (n: string) => boolean) => p.checks.filter((c) => names(c.name)).reduce((sum, c) => sum + c.durationMs, 0);
  const runMs = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  const downloadMs = ms((n) => n === 'asset');
  const uploadMs = ms((n) => n === 'upload');
  const probesMs = ms((n) => !NOT_PROBES.has(n));
  const archiveMs = ms((n) => n === 'archive');
  return { platform: p.platform, runMs, downloadMs, archiveMs, uploadMs, probesMs, overheadMs: runMs - downloadMs - uploadMs - probesMs };
}
