import type { CheckResult, CheckStatus, PlatformResult } from '../domain/verdict.ts';

/** One check drawn as a bar: where it sits on the shared time axis, in SVG units. */
export interface TimelineBar {
  check: string;
  status: CheckStatus;
  startMs: number;
  durationMs: number;
  x: number;
  width: number;
}

export interface TimelineLane {
  platform: string;
  y: number;
  bars: TimelineBar[];
  /** Where the platform's last check ended. */
  endMs: number;
}

export interface TimelineLayout {
  width: number;
  height: number;
  /** x of 0 ms and the SVG units per millisecond. */
  axisX: number;
  scale: number;
  ticks: Array<{ x: number; label: string }>;
  lanes: TimelineLane[];
}

export const TIMELINE = { width: 960, labelWidth: 140, endWidth: 70, axisHeight: 26, laneHeight: 30, barHeight: 20, minBar: 2 } as const;

/**
 * Every platform's checks on one time axis, so lanes compare side by side. A check without a
 * recorded start (a report from before starts were kept) follows the one before it; skipped
 * checks took no time and get no bar.
 */
export function timelineLayout(platforms: readonly PlatformResult[]): TimelineLayout {
  const placed = platforms.map((p) => ({ platform: p.platform, checks: withStarts(p.checks) }));
  const endMs = Math.max(1000, ...placed.flatMap((p) => p.checks.map((c) => c.startMs + c.durationMs)));
  const axisX = TIMELINE.labelWidth;
  const span = TIMELINE.width - TIMELINE.labelWidth - TIMELINE.endWidth;
  const scale = span / endMs;
  const lanes = placed.map((p, row): TimelineLane => ({
    platform: p.platform,
    y: TIMELINE.axisHeight + row * TIMELINE.laneHeight,
    endMs: Math.max(0, ...p.checks.map((c) => c.startMs + c.durationMs)),
    bars: p.checks
      .filter((c) => !(c.status === 'skipped' && c.durationMs === 0))
      .map((c) => ({
        check: c.name,
        status: c.status,
        startMs: c.startMs,
        durationMs: c.durationMs,
        x: round(axisX + c.startMs * scale),
        width: round(Math.max(TIMELINE.minBar, c.durationMs * scale)),
      })),
  }));
  const step = tickStep(endMs);
  const ticks: TimelineLayout['ticks'] = [];
  for (let ms = 0; ms <= endMs; ms += step) ticks.push({ x: round(axisX + ms * scale), label: formatSeconds(ms) });
  return { width: TIMELINE.width, height: TIMELINE.axisHeight + lanes.length * TIMELINE.laneHeight + 4, axisX, scale, ticks, lanes };
}

function withStarts(checks: readonly CheckResult[]): Array<CheckResult & { startMs: number }> {
  let previousEnd = 0;
  return checks.map((c) => {
    const startMs = c.startMs ?? previousEnd;
    previousEnd = Math.max(previousEnd, startMs + c.durationMs);
    return { ...c, startMs };
  });
}

/** A round step (1, 2 or 5 times a power of ten) giving at most eight ticks. */
export function tickStep(endMs: number): number {
  const rough = endMs / 8;
  const power = 10 ** Math.floor(Math.log10(Math.max(1, rough)));
  for (const m of [1, 2, 5, 10]) if (m * power >= rough) return m * power;
  return 10 * power;
}

/** "0 s", "1.5 s", "2 min 5 s": the axis and the tooltips read the same. */
export function formatSeconds(ms: number): string {
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms - minutes * 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
