import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

/** The home directory `~` stands for; HOME first so tests and CI can point it elsewhere. */
export function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/** Expands a leading `~` and resolves a relative path against the config file's directory. */
export function resolveLocalPath(path: string, configDir: string, env: NodeJS.ProcessEnv): string {
  if (path === '~') return homeDir(env);
  if (path.startsWith('~/') || path.startsWith('~\\')) return resolve(homeDir(env), path.slice(2));
  return isAbsolute(path) ? path : resolve(configDir, path);
}
