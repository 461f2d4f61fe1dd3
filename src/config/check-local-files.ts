import { stat } from 'node:fs/promises';
import { hopName } from './jump-spec.ts';
import type { Problem } from './problem.ts';
import { resolveLocalPath } from './resolve-path.ts';
import type { RawConfig, RawJumpHop } from './schema.ts';
import type { KeyPath } from './yaml-locator.ts';

/**
 * The files hosts.yaml names on this machine: key files must exist and be private (OpenSSH
 * refuses a key others can read; we hold the same line), known_hosts files must exist.
 */
export async function checkLocalFiles(raw: RawConfig, configDir: string, env: NodeJS.ProcessEnv): Promise<Problem[]> {
  const endpoints = raw.hosts.flatMap((host, i) => [
    { keys: host as RawJumpHop, path: ['hosts', i] as KeyPath, who: `host ${host.name}` },
    ...(host.proxyJump ?? []).map((hop, j) => ({ keys: hop, path: ['hosts', i, 'proxyJump', j] as KeyPath, who: `host ${host.name}, jump host ${hopName(hop)}` })),
  ]);
  const checks = endpoints.flatMap(({ keys, path, who }) =>
    (['identityFile', 'knownHosts'] as const).map(async (key): Promise<Problem | undefined> => {
      const value = keys[key];
      if (value === undefined) return undefined;
      const message = await fileProblem(resolveLocalPath(value, configDir, env), key, key === 'identityFile');
      return message === undefined ? undefined : { path: [...path, key], message: `${who}: ${message}` };
    }),
  );
  return (await Promise.all(checks)).filter((p): p is Problem => p !== undefined);
}

async function fileProblem(path: string, key: string, mustBePrivate: boolean): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${key} ${path} does not exist` : `${key} ${path} cannot be read (${code ?? String(err)})`;
  }
  if (!info.isFile()) return `${key} ${path} is not a file`;
  // Windows has no Unix mode bits to check.
  if (mustBePrivate && process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    return `${key} ${path} is readable by group or others (mode ${mode}); ssh refuses such keys: chmod 600 ${path}`;
  }
  return undefined;
}
