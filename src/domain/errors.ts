/**
 * Exceptions are for "the service cannot go on". A broken artifact is never an exception:
 * it is a `fail` result. Each error carries the context a user needs, and the CLI's one
 * boundary maps it to an exit code and a message without a stack trace.
 */
export const EXIT = {
  pass: 0,
  fail: 1,
  usage: 2,
  noVerdict: 3,
} as const;

export interface ErrorContext {
  tag?: string;
  platform?: string;
  asset?: string;
  host?: string;
}

export class SmokeError extends Error {
  readonly exitCode: number = EXIT.noVerdict;
  constructor(
    message: string,
    readonly context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The user's configuration or command line is wrong. `where` is `file:line:col` when known. */
export class ConfigError extends SmokeError {
  override readonly exitCode = EXIT.usage;
  constructor(
    message: string,
    readonly where?: { file: string; line?: number; col?: number; key?: string },
  ) {
    super(where ? `${formatWhere(where)}: ${message}` : message);
  }
}

/** GitHub refused or failed a request; `hint` says which permission or setting to check. */
export class GitHubError extends SmokeError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly hint?: string,
    context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(hint ? `${message} (${hint})` : message, context, options);
  }
}

/** A test host could not be reached or used: an infrastructure `error`, never a `fail`. */
export class HostError extends SmokeError {
  constructor(
    readonly host: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`host ${host}: ${message}`, { host }, options);
  }
}

/** This machine's own files failed us (a full or read-only disk): neither GitHub's fault nor a host's. */
export class LocalError extends SmokeError {
  constructor(
    readonly path: string,
    message: string,
    context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
  }
}

/** The message of whatever was thrown, for a one-line error. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function formatWhere(where: { file: string; line?: number; col?: number; key?: string }): string {
  let s = where.file;
  if (where.line !== undefined) s += `:${where.line}`;
  if (where.line !== undefined && where.col !== undefined) s += `:${where.col}`;
  if (where.key) s += ` (${where.key})`;
  return s;
}
