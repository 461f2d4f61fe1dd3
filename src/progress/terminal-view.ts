import type { RunEvent } from '../domain/events.ts';
import type { PlatformResult } from '../domain/verdict.ts';
import type { ProgressView } from './progress-view.ts';
import { describeEvent } from './describe-event.ts';
import { terminalSafe } from './terminal-safe.ts';
import { transferText } from './transfer-text.ts';

interface Line {
  platform: string;
  stage: string;
  started: number;
  settled?: string;
}

const REDRAW_MS = 100;

/** A live line per platform (stage, bytes, elapsed) redrawn in place, settling into its verdict. Only its own escape codes reach the terminal. */
export function terminalView(out: NodeJS.WritableStream & { columns?: number }, clock: { now: () => number }): ProgressView {
  const lines = new Map<string, Line>();
  // When each transfer's first progress came, and how far it was then: the rate is measured from there.
  const transfers = new Map<string, { at: number; bytes: number }>();
  const transfer = (key: string, bytes: number, total: number): string => {
    const now = clock.now();
    let first = transfers.get(key);
    if (!first || bytes < first.bytes) {
      first = { at: now, bytes };
      transfers.set(key, first);
    }
    return transferText({ bytes, total, movedBytes: bytes - first.bytes, elapsedMs: now - first.at });
  };
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;

  const render = () => {
    const width = Math.max(40, (out.columns ?? 100) - 1);
    let text = drawn > 0 ? `\x1b[${drawn}F` : '';
    for (const line of lines.values()) {
      const elapsed = ((Date.now() - line.started) / 1000).toFixed(0);
      const body = terminalSafe(line.settled ?? `${line.platform.padEnd(14)} ${line.stage} (${elapsed}s)`);
      text += `\x1b[2K${body.slice(0, width)}\n`;
    }
    drawn = lines.size;
    out.write(text);
  };

  const line = (platform: string): Line => {
    let l = lines.get(platform);
    if (!l) {
      l = { platform, stage: 'waiting', started: Date.now() };
      lines.set(platform, l);
    }
    return l;
  };

  const printAbove = (text: string) => {
    // Messages that are not per-platform go above the live block, which is then redrawn.
    const safe = terminalSafe(text);
    out.write(drawn > 0 ? `\x1b[${drawn}F\x1b[0J${safe}\n` : `${safe}\n`);
    drawn = 0;
    render();
  };

  return {
    onEvent(event: RunEvent) {
      if (event.kind === 'download-progress' || event.kind === 'upload-progress') {
        // Downloads and uploads read alike: bytes, total and rate on the platform's line.
        if (event.platform === undefined) return;
        const what = event.kind === 'download-progress' ? 'download' : `upload to ${event.host}`;
        line(event.platform).stage = `${what} ${transfer(`${event.kind} ${event.platform}`, event.bytes, event.total)}`;
        return;
      }
      const stage = liveStage(event);
      if (stage) {
        line(stage.platform).stage = stage.text;
      } else if (event.kind === 'run-started') {
        for (const p of event.platforms) line(p);
        printAbove(describeEvent(event) ?? '');
        timer ??= setInterval(render, REDRAW_MS);
        timer.unref();
      } else if (event.kind === 'platform-finished') {
        line(event.result.platform).settled = settledLine(event.result);
        render();
      } else {
        const text = describeEvent(event);
        if (text !== null) printAbove(text);
      }
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (lines.size > 0) render();
    },
  };
}

/** What a platform's live line says after `event`; undefined for events that are not about one line. */
function liveStage(event: RunEvent): { platform: string; text: string } | undefined {
  switch (event.kind) {
    case 'stage':
      return { platform: event.platform, text: event.host ? `${event.stage} on ${event.host}` : event.stage };
    case 'check':
      return { platform: event.platform, text: `${event.result.name} ${event.result.status}` };
    default:
      return undefined;
  }
}

/** A finished platform's line: its verdict, and what failed or errored. */
function settledLine(result: PlatformResult): string {
  const failed = result.checks.filter((c) => c.status === 'fail' || c.status === 'error');
  return `${result.platform.padEnd(14)} ${result.verdict.toUpperCase()}${failed.length ? `  ${failed.map((c) => `${c.name}: ${c.detail}`).join('; ')}` : ''}`;
}
