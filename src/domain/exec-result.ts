/** What one command on a host came to: the shells read it, the host adapters make it. */
export interface ExecResult {
  /** null when the command was ended by a signal or the step timed out. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when output was capped and its middle elided. */
  truncated: boolean;
}
