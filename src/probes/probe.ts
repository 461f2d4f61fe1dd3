import type { CheckResult } from '../domain/verdict.ts';
import type { Remote } from '../hosts/remote.ts';
import type { Shell } from '../shells/shell.ts';

/** Where a probe finds the binary `upload` staged: its path and the run directory around it. */
export interface ProbeTarget {
  binaryPath: string;
  runDir: string;
}

/**
 * One way of running the staged binary on its host and judging what it did: `fail` for what the
 * binary did wrong, `error` when the host or the connection failed. Every command goes through
 * `shell`, never a string built for one shell. Implementations: `version.ts`, `boot-serve.ts`,
 * `boot-service.ts`, `signature.ts`, `custom.ts`; the host checks in `src/checks/` call them.
 */
export type Probe<Input extends Partial<ProbeTarget>> = (remote: Remote, shell: Shell, input: Input) => Promise<CheckResult>;
