import { ConfigError } from '../domain/errors.ts';

/** The action's inputs, as action.yml passes them to the entry script (INPUT_* variables). */
export interface ActionInputs {
  /** Empty: every new or changed draft (`smoke watch --once`). */
  tag: string;
  config: string;
  platforms: string[];
  post: boolean;
  /** With a tag: test it only when new or changed since its posted result (a watch pass for that tag). */
  ifChanged: boolean;
  /**
   * `smoke merge` instead of a run: the shards' report.json files, folders or glob patterns
   * (downloaded artifacts), as given; the entry script expands the patterns.
   */
  merge: string[];
  /** Folder under which this invocation's report folder is made. */
  reportsRoot: string;
  artifactName: string;
}

export function actionInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const tag = (env.INPUT_TAG ?? '').trim();
  const platforms = (env.INPUT_PLATFORMS ?? '').split(/[\s,]+/).filter((p) => p !== '');
  const merge = (env.INPUT_MERGE ?? '').split(/\s+/).filter((p) => p !== '');
  const reportsRoot = env.INPUT_REPORTS?.trim() || (env.RUNNER_TEMP ? `${env.RUNNER_TEMP}/smoke-reports` : 'reports');
  return {
    tag,
    config: env.INPUT_CONFIG?.trim() || 'hosts.yaml',
    platforms,
    post: parseBoolean('post', env.INPUT_POST ?? 'true', true),
    ifChanged: parseBoolean('if-changed', env.INPUT_IF_CHANGED ?? 'false', false),
    merge,
    reportsRoot,
    artifactName: env.INPUT_ARTIFACT_NAME?.trim() || defaultArtifactName(merge.length > 0 ? [tag, 'merged'] : [tag || 'watch', ...platforms], env),
  };
}

/** The `smoke` command line for these inputs, writing its reports into `reportDir`. */
export function smokeArgv(inputs: ActionInputs, reportDir: string): string[] {
  const common = ['--config', inputs.config, '--reports', reportDir, ...(inputs.post ? [] : ['--no-post'])];
  if (inputs.merge.length > 0) {
    if (inputs.platforms.length > 0 || inputs.ifChanged) throw new ConfigError('the merge input takes neither platforms nor if-changed: a merge judges every expected platform from the shards\' reports');
    return ['merge', ...inputs.merge, ...(inputs.tag === '' ? [] : ['--tag', inputs.tag]), ...common];
  }
  if (inputs.tag === '' || inputs.ifChanged) {
    if (inputs.platforms.length > 0) throw new ConfigError('the platforms input needs a tag and if-changed false: a watch pass tests every expected platform');
    return ['watch', '--once', ...(inputs.tag === '' ? [] : ['--tag', inputs.tag]), ...common];
  }
  return ['run', inputs.tag, ...common, ...inputs.platforms.flatMap((p) => ['--platform', p])];
}

function parseBoolean(name: string, raw: string, fallback: boolean): boolean {
  const value = raw.trim().toLowerCase();
  if (value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`the ${name} input must be true or false, not ${JSON.stringify(raw)}`);
}

/**
 * Unique per job of a run (matrix jobs differ by platform), and within an artifact name's
 * rules: none of " : < > | * ? \ / or line breaks.
 */
function defaultArtifactName(parts: string[], env: NodeJS.ProcessEnv): string {
  const name = ['smoke', ...parts, env.GITHUB_JOB ?? '', `attempt${env.GITHUB_RUN_ATTEMPT ?? '1'}`];
  return name
    .filter((p) => p !== '')
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '_');
}
