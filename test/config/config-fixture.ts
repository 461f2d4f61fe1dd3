import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ConfigError } from '../../src/domain/errors.ts';

/** A temp folder holding hosts.yaml and a private key file `key` beside it. */
export interface ConfigDir {
  dir: string;
  keyPath: string;
  write(yaml: string, name?: string): Promise<string>;
  remove(): Promise<void>;
}

export async function makeConfigDir(): Promise<ConfigDir> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-config-'));
  const keyPath = join(dir, 'key');
  await writeFile(keyPath, 'not a real key\n');
  await chmod(keyPath, 0o600);
  return {
    dir,
    keyPath,
    async write(yaml, name = 'hosts.yaml') {
      const file = join(dir, name);
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, yaml);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Lines joined with newlines, so a test can count lines. */
export const lines = (...rows: string[]): string => rows.join('\n') + '\n';

/** One linux/amd64 host that passes every check, as YAML rows under `hosts:`. */
export const goodHost = (name = 'lin-1', extra: string[] = []): string[] => [
  `  - name: ${name}`,
  '    platform: linux/amd64',
  '    address: 192.0.2.10',
  '    user: smoke',
  '    identityFile: key',
  '    insecureAcceptAnyHostKey: true',
  ...extra.map((row) => `    ${row}`),
];

/** The ConfigError a promise rejects with; fails the test for anything else. */
export async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}
