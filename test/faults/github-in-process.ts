import { join } from 'node:path';
import { runInputFor, runDepsFor } from '../../src/commands/run-input.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { RunEvent } from '../../src/domain/events.ts';
import type { PlatformId } from '../../src/domain/platform.ts';
import { createGitHub } from '../../src/github/github.ts';
import type { Connect } from '../../src/pipeline/host-pool.ts';
import { runSmoke, type RunOutcome } from '../../src/pipeline/run.ts';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';

export interface InProcessRun {
  outcome: RunOutcome;
  events: RunEvent[];
}

/**
 * The real pipeline in this process against a sandbox, as `smoke run` wires it, with a hook
 * on every event and, optionally, another (real) connect.
 */
export async function runInProcess(
  sb: Sandbox,
  dir: string,
  options: { platforms: PlatformId[]; onEvent?: (event: RunEvent) => void; connect?: Connect },
): Promise<InProcessRun> {
  const env = { ...sb.env };
  const config = await loadConfig(sb.configPath, env);
  const github = createGitHub({
    apiUrl: sb.fake.url,
    token: sb.env.GITHUB_TOKEN!,
    repo: sb.env.GITHUB_REPOSITORY!,
    retry: { retries: 3, minBackoffMs: 5 },
  });
  const events: RunEvent[] = [];
  const deps = runDepsFor(github, (event) => {
    events.push(event);
    options.onEvent?.(event);
  });
  const input = runInputFor('v0.0.1', config, options.platforms, { reports: join(dir, 'reports'), post: true }, env);
  const outcome = await runSmoke(input, options.connect ? { ...deps, connect: options.connect } : deps);
  return { outcome, events };
}
