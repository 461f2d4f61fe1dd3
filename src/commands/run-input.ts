import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { repoFolder } from '../report/write-reports.ts';
import type { SmokeConfig } from '../config/types.ts';
import type { EventSink } from '../domain/events.ts';
import type { PlatformId } from '../domain/platform.ts';
import type { GitHub } from '../github/github.ts';
import { openRemote } from '../hosts/open-remote.ts';
import type { RunDeps, RunInput } from '../pipeline/run.ts';
import { newRunId } from '../pipeline/run-id.ts';
import type { HostTurns } from '../pipeline/host-turns.ts';
import { actionsRunUrl, cacheDir } from './context.ts';

export interface RunSettings {
  reports: string;
  post: boolean;
  keepOnFailure?: boolean;
  /** Several repositories share the reports folder: each repository's runs go under `<owner>/<name>/`. */
  byRepository?: boolean;
}

/** What `smoke run` and `smoke watch` hand the pipeline for one draft: the same in both. */
export function runInputFor(tag: string, config: SmokeConfig, platforms: PlatformId[], settings: RunSettings, env: NodeJS.ProcessEnv): RunInput {
  const runUrl = actionsRunUrl(env);
  const reports = resolve(settings.reports);
  const byRepository = settings.byRepository === true && config.repo !== undefined;
  return {
    tag,
    runId: newRunId(new Date()),
    config,
    platforms,
    reportsDir: byRepository ? join(reports, repoFolder(config.repo!)) : reports,
    ...(byRepository ? { reportsIndexDir: reports } : {}),
    cacheDir: cacheDir(env),
    post: settings.post,
    keepOnFailure: settings.keepOnFailure === true,
    runner: { hostname: hostname(), pid: process.pid },
    ...(runUrl ? { runUrl } : {}),
    ...(env.GITHUB_STEP_SUMMARY ? { stepSummary: env.GITHUB_STEP_SUMMARY } : {}),
  };
}

/** The real adapters: SSH to the configured hosts, the wall clock; `signal` cancels the run; `hostTurns` shares the hosts between drafts. */
export function runDepsFor(github: GitHub, onEvent: EventSink, extra: { signal?: AbortSignal; hostTurns?: HostTurns } = {}): RunDeps {
  return { github, connect: (host) => openRemote(host, { onEvent }), onEvent, now: () => new Date(), ...extra };
}
