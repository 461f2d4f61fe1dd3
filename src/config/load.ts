import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, LineCounter, parseDocument, type YAMLError } from 'yaml';
import { ConfigError } from '../domain/errors.ts';
import { buildConfig } from './build-config.ts';
import { validateHosts } from './validate-hosts.ts';
import { checkLocalFiles } from './check-local-files.ts';
import { checkRepositories } from './check-repositories.ts';
import { expectedPlatforms } from './expected-platforms.ts';
import { locatedError, problemsError } from './problem.ts';
import { resolveSshHosts } from './resolve-ssh-hosts.ts';
import { configSchema } from './schema.ts';
import type { SmokeConfig } from './types.ts';
import { createLocator } from './yaml-locator.ts';
import { describe, zodProblems } from './zod-problems.ts';

/**
 * Reads hosts.yaml. Every mistake becomes one ConfigError whose lines each name
 * `file:line:col (key path)`; several mistakes are reported together where they can be.
 * `env` supplies HOME (for `~`, ~/.ssh/config, ~/.ssh/known_hosts and ~/.ssh/id_*), USER,
 * SSH_AUTH_SOCK and the passphrase variables.
 */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<SmokeConfig> {
  const absolute = resolve(file);
  const text = await readConfigText(file, absolute);

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw locatedError(
      file,
      doc.errors.map((e) => ({ ...e.linePos?.[0], message: yamlErrorMessage(e, text) })),
    );
  }
  if (doc.contents === null) {
    throw new ConfigError('the file is empty: expected settings with at least a hosts: list', { file, line: 1, col: 1 });
  }
  const locate = createLocator(doc, lineCounter);
  const data: unknown = doc.toJS();
  if (!isMap(doc.contents)) {
    throw new ConfigError(`expected a map of settings (repo, platforms, hosts, ...), got ${describe(data)}`, { file, ...locate([]) });
  }

  // reportInput: a preprocessed value (proxyJump's `host:port`) is quoted as the schema saw it.
  const parsed = configSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) throw problemsError(zodProblems(parsed.error.issues, data, configSchema), file, locate);
  const raw = parsed.data;

  const configDir = dirname(absolute);
  const expected = expectedPlatforms(raw);
  const problems = [
    ...expected.problems,
    ...checkRepositories(raw, expected.platforms, locate),
    ...validateHosts(raw, expected.platforms, env, locate),
    ...(await checkLocalFiles(raw, configDir, env)),
  ];
  if (problems.length > 0) throw problemsError(problems, file, locate);
  const ssh = await resolveSshHosts(raw, configDir, env);
  if (!ssh.ok) throw problemsError(ssh.problems, file, locate);

  return buildConfig(raw, { file: absolute, configDir, env, expected: expected.platforms, locate, ssh: ssh.hosts });
}

async function readConfigText(file: string, absolute: string): Promise<string> {
  try {
    return await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`config file not found (looked for ${absolute})`, { file });
    if (code === 'EISDIR') throw new ConfigError(`${absolute} is a directory, not a config file`, { file });
    throw new ConfigError(`cannot read the config file: ${code ?? String(err)}`, { file });
  }
}

function yamlErrorMessage(error: YAMLError, text: string): string {
  if (error.code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(error.pos[0]))?.[0].trim().replace(/^["']|["']$/g, '') ?? '';
    return `duplicate key ${JSON.stringify(key)}: a key may appear only once in a map`;
  }
  // The library appends the position and a source excerpt: the position is given our way.
  return `not valid YAML: ${error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '')}`;
}
