import type { RunEvent } from '../domain/events.ts';
import type { ProgressView } from './progress-view.ts';
import { formatSize } from '../domain/format-size.ts';
import { describeEvent } from './describe-event.ts';
import { terminalSafe } from './terminal-safe.ts';

/**
 * Timestamped lines for logs: progress only at each quarter, so a CI log stays readable.
 * `label` starts every line (`owner/name v1.2.3: `) where several drafts share one log.
 */
export function plainView(out: NodeJS.WritableStream, now: () => Date, options: { label?: string } = {}): ProgressView {
  const lastQuarter = new Map<string, number>();
  const label = options.label === undefined ? '' : `${options.label}: `;
  // Every line may carry a host's or GitHub's words: made inert before it reaches the log.
  const write = (line: string) => out.write(`${now().toISOString()} ${terminalSafe(label + line)}\n`);
  return {
    onEvent(event: RunEvent) {
      if (event.kind === 'download-progress' || event.kind === 'upload-progress') {
        const key = event.kind === 'download-progress' ? `download ${event.asset}` : `upload ${event.platform}`;
        const quarter = event.total > 0 ? Math.floor((event.bytes / event.total) * 4) : 4;
        if ((lastQuarter.get(key) ?? -1) >= quarter) return;
        lastQuarter.set(key, quarter);
        write(`${key}: ${formatSize(event.bytes)} of ${formatSize(event.total)}`);
        return;
      }
      const line = describeEvent(event);
      if (line !== null) write(line);
    },
    close() {},
  };
}
