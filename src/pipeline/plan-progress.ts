import type { Check, CheckNeed, CommonDeps, HostSession } from '../checks/check.ts';
import type { EventSink } from '../domain/events.ts';
import type { PlatformId } from '../domain/platform.ts';
import { checkResult, type CheckResult } from '../domain/verdict.ts';
import { skipAfter } from '../domain/verdict-rules.ts';

/**
 * The results of a plan as it runs: each emitted once as it comes, and after the first check
 * that failed or errored (the blocker), every later one `skipped`, naming it.
 */
export class PlanProgress {
  readonly results: CheckResult[] = [];
  private blocking: CheckResult | null = null;

  constructor(
    private readonly platform: PlatformId,
    private readonly onEvent: EventSink,
  ) {}

  get blocker(): CheckResult | null {
    return this.blocking;
  }

  /** Adds a result; `emitted`: the fetch stage already told it. */
  record(result: CheckResult, options: { emitted?: boolean } = {}): void {
    this.results.push(result);
    if (!options.emitted) this.onEvent({ kind: 'check', platform: this.platform, result });
    if (!this.blocking && (result.status === 'fail' || result.status === 'error')) this.blocking = result;
  }

  /** Results already emitted elsewhere (a host attempt's), kept as they are. */
  adopt(results: readonly CheckResult[]): void {
    for (const result of results) this.record(result, { emitted: true });
  }

  /** `skipped` for each of `checks`, caused by `cause` or else the blocker. */
  skip(checks: readonly Check[], cause?: CheckResult): void {
    const why = cause ?? this.blocking ?? checkResult('plan', 'error', 'an earlier check did not pass');
    for (const skipped of skipAfter(why, checks.map((c) => c.name))) this.record(skipped);
  }

  /** Whether `check` can run now; if not, what stands in its way. */
  obstacle(check: Check, deps: CommonDeps, host?: HostSession): CheckResult | null {
    if (this.blocking) return this.blocking;
    const unmet = check.needs.find((need) => !met(need, deps, host));
    return unmet ? UNMET[unmet] : null;
  }
}

const UNMET: Record<CheckNeed, CheckResult> = {
  'verified-archive': checkResult('asset', 'error', 'no verified download'),
  'binary-on-host': checkResult('upload', 'error', 'no binary on the host'),
};

function met(need: CheckNeed, deps: CommonDeps, host: HostSession | undefined): boolean {
  const { download } = deps;
  switch (need) {
    case 'verified-archive':
      return download.localPath !== null && download.sha256 !== null && download.asset !== null && download.checks.every((c) => c.status === 'pass');
    case 'binary-on-host':
      return host?.binaryPath != null && host.runDir !== null;
  }
}
