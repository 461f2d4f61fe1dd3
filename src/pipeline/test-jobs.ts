import pLimit from 'p-limit';
import type { PlatformJob } from '../checks/platform-job.ts';
import type { SmokeConfig } from '../config/types.ts';
import type { EventSink } from '../domain/events.ts';
import type { PlatformResult } from '../domain/verdict.ts';
import type { GitHub } from '../github/github.ts';
import type { DraftMatch } from '../release/match-draft.ts';
import type { Release } from '../github/types.ts';
import { startFetch } from '../stages/fetch-assets.ts';
import { HostPool, type Connect, type HostShare } from './host-pool.ts';
import { runJob } from './run-job.ts';
import { inspectArchive, type Inspection } from '../stages/inspect-archive.ts';

export interface TestJobsInput {
  release: Release;
  match: DraftMatch;
  config: SmokeConfig;
  cacheDir: string;
}

export interface TestJobsDeps {
  github: GitHub;
  connect: Connect;
  onEvent: EventSink;
  signal?: AbortSignal;
  /** Turns on the hosts shared with other drafts (a watch); without it the run has its own. */
  hostShare?: HostShare;
}

/**
 * Fetches and verifies every archive, and runs each job's plan as soon as its own archive is
 * in, while the next one downloads: at most `concurrency` at once, one at a time per host. A
 * platform's SSH handshake runs during its download; the host sees no byte before it passed.
 */
export async function testJobs(jobs: readonly PlatformJob[], input: TestJobsInput, deps: TestJobsDeps): Promise<{ platforms: PlatformResult[]; checksumsSha256: string | null }> {
  const { config, release, match } = input;
  const pool = new HostPool(config.hosts, deps.connect, deps.hostShare ? { share: deps.hostShare } : {});
  const limit = pLimit(Math.max(1, config.concurrency));
  const jobOf = new Map(jobs.map((j) => [j.platform, j]));
  try {
    const fetched = await startFetch(deps.github, {
      release,
      match,
      cacheDir: input.cacheDir,
      onEvent: deps.onEvent,
      inspect: (platform) => jobOf.get(platform)!.archive.inspect,
      onDownloadStart: (platform) => pool.prepare(platform),
    });
    const common = { pool, retries: config.retries, onEvent: deps.onEvent, ...(deps.signal ? { signal: deps.signal } : {}) };
    const platforms = await Promise.all(fetched.platforms.map(async (downloading) => {
      const download = await downloading;
      const job = jobOf.get(download.platform)!;
      return limit(() => runJob(job, { ...common, download, found: { binarySha256: null }, inspection: once(() => download.inspection ?? inspectArchive(download.localPath!, job.archive.inspect)) }));
    }));
    return { platforms, checksumsSha256: fetched.checksumsSha256 };
  } finally {
    await pool.closeAll();
  }
}

/** The inspection, read at most once however many checks ask. */
function once(inspect: () => Inspection | Promise<Inspection>): () => Promise<Inspection> {
  let result: Promise<Inspection> | undefined;
  return () => (result ??= Promise.resolve().then(inspect));
}
