import { execFile } from 'node:child_process';

/**
 * The token gh keeps for a host (`gh auth token --hostname <host>`), when gh is installed and
 * logged in; undefined otherwise. gh is found on the PATH of `env`, and its answer never
 * printed: only the token's presence matters to the caller's messages.
 */
export function ghAuthToken(env: NodeJS.ProcessEnv, hostname: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'gh',
      ['auth', 'token', '--hostname', hostname],
      { env, timeout: 10_000, windowsHide: true, maxBuffer: 64 * 1024 },
      (error, stdout) => {
        // Not installed (ENOENT), not logged in (exit 1), or hung: there is no token from gh.
        const token = error ? '' : stdout.trim();
        resolve(token === '' || /\s/.test(token) ? undefined : token);
      },
    );
  });
}
