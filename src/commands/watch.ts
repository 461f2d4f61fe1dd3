import { resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { forRepository } from '../config/pick-repository.ts';
import type { SmokeConfig } from '../config/types.ts';
import { ConfigError, EXIT, errorText } from '../domain/errors.ts';
import { HostTurns } from '../pipeline/host-turns.ts';
import { chooseView } from '../progress/choose-view.ts';
import { commandContext, githubFor, retryLine } from './context.ts';
import { ghAuthToken } from './gh-auth-token.ts';
import { githubSettings } from './github-settings.ts';
import type { CliIo } from './io.ts';
import type { RetryNotice } from '../github/index.ts';
import { sleepUnlessStopped, stopSignal } from './stop-signal.ts';
import { poll, watchPass, type PassResult, type WatchContext, type WatchedRepository } from './watch-pass.ts';

export interface WatchCliOptions {
  config: string;
  /** `--repo`, repeatable: several repositories in one watch, with the top-level rules (or their repositories: entry's). */
  repo?: string[];
  reports: string;
  interval: number;
  once?: boolean;
  /** Only the drafts with these tags. */
  tag?: string[];
  post: boolean;
  keepOnFailure?: boolean;
}

/**
 * `smoke watch`: poll one repository or several for drafts and test each new or changed one;
 * drafts are tested side by side, sharing the hosts (one platform run per host, the oldest
 * draft first). Idle polls are conditional requests. `--once` makes one pass and exits 0 (all
 * tested drafts passed, or none needed testing), 1 (one failed) or 3 (one ended without a
 * verdict, or a repository could not be polled). A continuous watch polls on while drafts are
 * tested, survives GitHub's bad moments, and ends only on a signal, with 0, once its runs have
 * been cancelled and their hosts cleaned.
 */
export async function watchCommand(options: WatchCliOptions, io: CliIo): Promise<number> {
  let warn = (message: string): void => void io.stderr.write(`smoke: ${message}\n`);
  const onRetry = { onRetry: (notice: RetryNotice) => warn(retryLine(notice)) };
  const repositories = await watchedRepositories(options, io, onRetry);
  const log = chooseView(io, { json: false });
  warn = (message) => log.onEvent({ kind: 'warning', message });
  const stop = stopSignal(io.signal, (signal) =>
    log.onEvent({ kind: 'info', message: `${signal}: cancelling the runs and cleaning the hosts (send it again to quit now)` }),
  );
  const byRepository = repositories.length > 1 || repositories[0]!.config.repositories.length > 0;
  const ctx: WatchContext = {
    repositories,
    settings: { reports: options.reports, post: options.post, ...(options.keepOnFailure ? { keepOnFailure: true } : {}), ...(byRepository ? { byRepository } : {}) },
    io,
    onEvent: log.onEvent,
    signal: stop.signal,
    hostTurns: new HostTurns(),
    inFlight: new Map(),
    ...(options.tag && options.tag.length > 0 ? { onlyTags: options.tag } : {}),
  };
  try {
    if (options.once) return onceExitCode(await watchPass(ctx));
    const names = repositories.map((r) => r.github.repo).join(', ');
    log.onEvent({ kind: 'info', message: `watching ${names} for drafts every ${options.interval}s` });
    // Polls go on while drafts are tested: a long Windows boot in one repository does not hold
    // back a draft of another (the hosts are shared by turns, not by pass).
    while (!stop.signal.aborted) {
      try {
        await poll(ctx);
      } catch (error) {
        // GitHub down, a rate limit, a network blip: the next poll may well work.
        log.onEvent({ kind: 'warning', message: `poll failed, trying again in ${options.interval}s: ${errorText(error)}` });
      }
      await sleepUnlessStopped(options.interval * 1000, stop.signal);
    }
    // The stop cancelled them: each cleans its hosts and posts `error` before the watch ends.
    await Promise.all(ctx.inFlight.values());
    log.onEvent({ kind: 'info', message: 'watch stopped' });
    return EXIT.pass;
  } finally {
    stop.dispose();
    log.close();
  }
}

/**
 * The repositories to watch: those `--repo` names, else hosts.yaml's `repositories:`, else the
 * one repository every command finds (`--repo`, GH_REPO, `repo:`, GITHUB_REPOSITORY). A
 * repository listed under `repositories:` keeps its own rules when `--repo` names it.
 */
async function watchedRepositories(options: WatchCliOptions, io: CliIo, hooks: { onRetry: (notice: RetryNotice) => void }): Promise<WatchedRepository[]> {
  const named = dedupe(options.repo ?? []);
  const fresh = () => ({ pages: null, recheckAt: null, testedHere: new Map<number, string>() });
  const loaded = await loadConfig(resolve(options.config), io.env);
  if (named.length <= 1 && loaded.repositories.length === 0) {
    const { config, github } = await commandContext({ config: options.config, ...(named[0] ? { repo: named[0] } : {}) }, io, { ...hooks, loaded });
    return [{ config, github, state: fresh() }];
  }
  const repos = named.length > 0 ? named : loaded.repositories.map((r) => r.repo);
  for (const repo of repos) {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) throw new ConfigError(`--repo ${JSON.stringify(repo)} is not of the form owner/name`);
  }
  // Which GitHub and token; each repository then gets its own adapter (and its own ETags).
  const settings = await githubSettings(io.env, { repoFromCli: repos[0], repoFromConfig: undefined, ghAuthToken: (hostname) => ghAuthToken(io.env, hostname) });
  io.keepSecret?.(settings.token);
  return repos.map((repo) => ({ config: configFor(loaded, repo), github: githubFor(settings, repo, io, hooks), state: fresh() }));
}

/** A repository's own rules when `repositories:` lists it, else the top-level ones. */
function configFor(loaded: SmokeConfig, repo: string): SmokeConfig {
  const entry = loaded.repositories.find((r) => r.repo.toLowerCase() === repo.toLowerCase());
  return entry ? forRepository(loaded, entry) : { ...loaded, repo };
}

/** Each repository once, as first written (GitHub's names ignore case). */
function dedupe(repos: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const repo of repos) if (!byName.has(repo.toLowerCase())) byName.set(repo.toLowerCase(), repo);
  return [...byName.values()];
}

function onceExitCode(pass: PassResult): number {
  if (pass.verdicts.includes('fail')) return EXIT.fail;
  if (pass.errors > 0 || pass.verdicts.includes('error')) return EXIT.noVerdict;
  return EXIT.pass;
}
