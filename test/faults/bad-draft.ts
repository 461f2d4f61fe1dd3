import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { PlatformId } from '../../src/domain/platform.ts';
import type { RunReport } from '../../src/domain/report.ts';
import type { CheckResult } from '../../src/domain/verdict.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.ts';
import { checksumsText } from '../../src/sandbox/stand-in/release.ts';
import { runCli, type CliRun } from '../support/cli-io.ts';
import { entries } from './fault-world.ts';

/** A sandbox whose draft a test breaks one asset at a time, then runs one platform against. */
export interface BadDraft {
  sb: Sandbox;
  dir: string;
  /** Replaces checksums.txt on the draft with this text. */
  setChecksums(text: string): void;
  /** Replaces a platform's archive with this file and its checksums.txt line with the file's sha256. */
  setArchive(platform: PlatformId, path: string): void;
  /**
   * `smoke run --platform <platform> --json` with what a user sees and the report, if one was
   * written. `--no-post` unless `post`: each posted run spends seconds in the client's pacing of writes.
   */
  run(platform: PlatformId, post?: boolean): Promise<CliRun & { report: RunReport | undefined }>;
  /** Run directories left in the hosts' workdirs. */
  workdirEntries(): string[];
  close(): Promise<void>;
}

export async function startBadDraft(options: Omit<SandboxOptions, 'dir'> & { config?: Record<string, unknown> } = {}): Promise<BadDraft> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-bad-draft-'));
  const sb = await startSandbox({ dir, probes: { boot: { timeoutSeconds: 10, healthz: false, stopGraceSeconds: 2 } }, ...options });
  if (options.config) {
    const raw = parse(await readFile(sb.configPath, 'utf8')) as Record<string, unknown>;
    await writeFile(sb.configPath, stringify({ ...raw, ...options.config }));
  }
  const sums = new Map(sb.release.assets.map((a) => [a.name, a.sha256] as const));
  const replace = (name: string, asset: { content: string } | { file: string }) => {
    const old = sb.fake.release(sb.releaseId).assets.find((a) => a.name === name);
    if (old) sb.fake.removeAsset(old.id);
    sb.fake.addAsset(sb.releaseId, { name, ...asset });
  };
  const setChecksums = (text: string) => replace('checksums.txt', { content: text });
  return {
    sb,
    dir,
    setChecksums,
    setArchive(platform, path) {
      const name = assetName(sb, platform);
      replace(name, { file: path });
      sums.set(name, createHash('sha256').update(readFileSync(path)).digest('hex'));
      setChecksums(checksumsText([...sums].map(([n, sha256]) => ({ name: n, sha256 }))));
    },
    async run(platform, post = false) {
      const argv = ['run', sb.fake.release(sb.releaseId).tag_name, '--config', sb.configPath, '--reports', join(dir, 'reports'), '--json', '--platform', platform];
      if (!post) argv.push('--no-post');
      const run = await runCli(argv, sb.env);
      const report = run.stdout.trim() === '' ? undefined : (JSON.parse(run.stdout) as RunReport);
      return { ...run, report };
    },
    workdirEntries: () => entries(join(dir, 'work')),
    async close() {
      await sb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function assetName(sb: Sandbox, platform: PlatformId): string {
  const asset = sb.release.assets.find((a) => a.platform === platform);
  if (!asset) throw new Error(`sandbox has no archive for ${platform}`);
  return asset.name;
}

/** One check of one platform in a report. */
export function cell(report: RunReport | undefined, platform: PlatformId, check: string): CheckResult | undefined {
  return report?.platforms.find((p) => p.platform === platform)?.checks.find((c) => c.name === check);
}
