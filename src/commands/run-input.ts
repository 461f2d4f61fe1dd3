import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { SmokeConfig } from '../config/types.ts';
import type { EventSink } from '../domain/events.ts';
import type { PlatformId } from '../domain/platform.ts';
import type { GitHub } from '../github/github.ts';
import { connectHost } from '../hosts/connect-host.ts';
import type { RunDeps, RunInput } from '../pipeline/run.ts';
import { newRunId } from '../pipeline/run-id.ts';
import { actionsRunUrl, cacheDir } from './context.ts';

export interface RunSettings {
  reports: string;
  post: boolean;
  keepOnFailure?: boolean;
}

/** What `smoke run` and `smoke watch` hand the pipeline for one draft: the same in both. */
export function runInputFor(tag: string, config: SmokeConfig, platforms: PlatformId[], settings: RunSettings, env: NodeJS.ProcessEnv): RunInput {
  const runUrl = actionsRunUrl(env);
  return {
    tag,
    runId: newRunId(new Date()),
    config,
    platforms,
    reportsDir: resolve(settings.reports),
    cacheDir: cacheDir(env),
    post: settings.post,
    keepOnFailure: settings.keepOnFailure === true,
    runner: { hostname: hostname(), pid: process.pid },
    ...(runUrl ? { runUrl } : {}),
    ...(env.GITHUB_STEP_SUMMARY ? { stepSummary: env.GITHUB_STEP_SUMMARY } : {}),
  };
}

/** The real adapters: SSH to the configured hosts, the wall clock; `signal` cancels the run. */
export function runDepsFor(github: GitHub, onEvent: EventSink, signal?: AbortSignal): RunDeps {
  return { github, connect: (host) => connectHost(host, { onEvent }), onEvent, now: () => new Date(), ...(signal ? { signal } : {}) };
}
