import type { PlatformResult } from '../domain/verdict.ts';
import { escapeHtml } from './html-escape.ts';
import { TIMELINE, formatSeconds, timelineLayout, type TimelineBar } from './timeline-layout.ts';

const CHECK_COLOURS: Readonly<Record<string, string>> = {
  asset: '#54aeff',
  checksum: '#8250df',
  archive: '#bf8700',
  upload: '#1a7f37',
  version: '#0969da',
  boot: '#cf5f00',
  cleanup: '#6e7781',
};
const EXTRA_COLOURS = ['#bc4c00', '#4d2d00', '#0550ae', '#953800', '#116329'];
const OUTLINE: Readonly<Record<string, string>> = { fail: '#cf222e', error: '#9a6700' };

/**
 * The timeline as inline SVG plus an HTML legend: one lane per platform on a shared time axis,
 * one bar per check coloured by check, a red (fail) or amber (error) outline where it went wrong.
 * Names come from hosts.yaml and GitHub: escaped, and never used in an attribute but `<title>`.
 */
export function timelineHtml(platforms: readonly PlatformResult[]): string {
  if (platforms.length === 0) return '';
  const layout = timelineLayout(platforms);
  const colour = colourFor(platforms);
  const axisBottom = layout.height - 4;
  const ticks = layout.ticks
    .map((t) => `<line x1="${t.x}" y1="${TIMELINE.axisHeight - 6}" x2="${t.x}" y2="${axisBottom}" class="tick"/><text x="${t.x}" y="${TIMELINE.axisHeight - 10}" text-anchor="middle">${escapeHtml(t.label)}</text>`)
    .join('\n');
  const lanes = layout.lanes
    .map((lane) => {
      const top = lane.y + (TIMELINE.laneHeight - TIMELINE.barHeight) / 2;
      const bars = lane.bars.map((bar) => barSvg(bar, top, colour(bar.check))).join('\n');
      const label = `<text x="${TIMELINE.labelWidth - 10}" y="${top + TIMELINE.barHeight / 2 + 4}" text-anchor="end" class="lane-name">${escapeHtml(lane.platform)}</text>`;
      const endX = layout.axisX + lane.endMs * layout.scale + 6;
      const total = `<text x="${Math.round(endX)}" y="${top + TIMELINE.barHeight / 2 + 4}" class="total">${escapeHtml(laneTotal(lane.endMs))}</text>`;
      return `<g class="lane">${label}\n${bars}\n${total}</g>`;
    })
    .join('\n');
  const names = [...new Set(layout.lanes.flatMap((l) => l.bars.map((b) => b.check)))];
  const legend = names.map((n) => `<li><span class="swatch" style="background:${colour(n)}"></span>${escapeHtml(n)}</li>`).join('');
  return `<figure class="timeline">
<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="Timeline of each platform's checks">
<style>text{font:12px system-ui,sans-serif;fill:#1f2328}.tick{stroke:#d0d7de}.lane-name{font-weight:600;font-size:13px}.total{fill:#57606a}.bar-label{fill:#fff;font-size:11px}</style>
${ticks}
${lanes}
</svg>
<figcaption>0 s is the run's start; finding the draft and reading checksums.txt come before the first check.<ul class="legend">${legend}<li><span class="swatch outline-fail"></span>failed</li><li><span class="swatch outline-error"></span>error</li></ul></figcaption>
</figure>`;
}

function barSvg(bar: TimelineBar, top: number, fill: string): string {
  const outline = OUTLINE[bar.status];
  const stroke = outline ? ` stroke="${outline}" stroke-width="3"` : '';
  const tip = `${bar.check}: ${bar.status}, from ${formatSeconds(bar.startMs)} for ${formatSeconds(bar.durationMs)}`;
  // A label only where it fits; the tooltip always carries it.
  const fits = bar.width >= bar.check.length * 6.5 + 8;
  const label = fits ? `<text x="${bar.x + 4}" y="${top + TIMELINE.barHeight / 2 + 4}" class="bar-label">${escapeHtml(bar.check)}</text>` : '';
  return `<g class="bar ${bar.status}"><title>${escapeHtml(tip)}</title><rect x="${bar.x}" y="${top}" width="${bar.width}" height="${TIMELINE.barHeight}" rx="3" fill="${fill}"${stroke}/>${label}</g>`;
}

/** Built-in checks keep their colour in every report; extra probes take the next free one. */
function colourFor(platforms: readonly PlatformResult[]): (check: string) => string {
  const extras = [...new Set(platforms.flatMap((p) => p.checks.map((c) => c.name)).filter((n) => !Object.hasOwn(CHECK_COLOURS, n)))];
  return (check) => (Object.hasOwn(CHECK_COLOURS, check) ? CHECK_COLOURS[check] : undefined) ?? EXTRA_COLOURS[Math.max(0, extras.indexOf(check)) % EXTRA_COLOURS.length] ?? '#6e7781';
}

/** A lane's end, always with a tenth under a minute so the totals line up by eye. */
function laneTotal(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatSeconds(ms);
}
