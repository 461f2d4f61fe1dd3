/** What a command may touch of the process: injected so tests run commands in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Ends a long-running command (watch) early: SIGTERM/SIGINT in the real process. */
  signal?: AbortSignal;
  /** Adds a secret found on the way (a token from `gh auth token`) to what output never shows. */
  keepSecret?: (secret: string) => void;
}
