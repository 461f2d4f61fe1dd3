import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/domain/events.ts';
import { checkResult, type PlatformResult } from '../../src/domain/verdict.ts';
import { checkClock } from '../../src/pipeline/check-clock.ts';

describe('checkClock', () => {
  it('gives each check the start it had: announced at its end, started its duration before', () => {
    let now = 5000;
    const clock = checkClock({ now: () => now });
    const seen: RunEvent[] = [];
    const onEvent = clock.watch((e) => seen.push(e));
    const asset = checkResult('asset', 'pass', 'ok', 1200);
    const boot = checkResult('boot', 'fail', 'died', 3000);
    const lost = checkResult('cleanup', 'pass', 'ok', 400); // never announced
    now = 6500;
    onEvent({ kind: 'check', platform: 'linux/amd64', result: asset });
    now = 11_000;
    onEvent({ kind: 'check', platform: 'linux/amd64', result: boot });
    const platform: PlatformResult = { platform: 'linux/amd64', host: 'h', asset: null, sha256: null, verdict: 'fail', checks: [asset, boot, lost] };
    const [stamped] = clock.stamp([platform]);
    expect(stamped!.checks.map((c) => [c.name, c.startMs])).toEqual([['asset', 300], ['boot', 3000], ['cleanup', 6000]]);
    expect(seen).toHaveLength(2); // every event passes on
    expect(platform.checks[0]!.startMs).toBeUndefined(); // the results themselves are not changed
  });
});
