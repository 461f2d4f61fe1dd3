import { checkResult, type CheckName, type CheckResult } from './verdict.ts';

/**
 * What a static check (one that needs no host) concludes from data: a status, the lines a person
 * reads (the first is the check's detail) and facts worth keeping in a report (e.g. `go` →
 * `go1.26.1`). Pure judges return it; a check turns it into a CheckResult.
 */
export interface Judgement {
  status: 'pass' | 'fail' | 'skipped';
  /** One line each, the reason for a `fail` first. Never empty. */
  detail: string[];
  facts: Record<string, string>;
}

/** The check's cell: the first line is the detail, the others go into the excerpt. */
export function judgementResult(name: CheckName, judgement: Judgement, durationMs: number): CheckResult {
  const [first = '', ...rest] = judgement.detail;
  return rest.length === 0 ? checkResult(name, judgement.status, first, durationMs) : checkResult(name, judgement.status, first, durationMs, rest.join('\n'));
}
