import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/domain/events.ts';
import { chooseView } from '../../src/progress/choose-view.ts';
import { describeEvent } from '../../src/progress/describe-event.ts';
import { plainView } from '../../src/progress/plain-view.ts';
import { terminalView } from '../../src/progress/terminal-view.ts';
import { transferText } from '../../src/progress/transfer-text.ts';

function capture(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean; columns?: number }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 80 });
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

const started: RunEvent = { kind: 'run-started', tag: 'v0.0.1', repo: 'o/r', platforms: ['linux/amd64'] };

describe('progress views', () => {
  it('writes plain timestamped lines, and upload progress only at each quarter', () => {
    const out = capture(false);
    const view = plainView(out.stream, () => new Date('2026-11-23T20:00:00Z'));
    view.onEvent(started);
    for (let bytes = 0; bytes <= 100; bytes += 5) {
      view.onEvent({ kind: 'upload-progress', platform: 'linux/amd64', host: 'h', bytes, total: 100 });
    }
    view.close();
    const lines = out.text().trimEnd().split('\n');
    expect(lines[0]).toBe('2026-11-23T20:00:00.000Z testing o/r v0.0.1 on linux/amd64');
    expect(lines.filter((l) => l.includes('upload linux/amd64'))).toHaveLength(5); // 0, ¼, ½, ¾, all
    expect(out.text()).not.toContain('\x1b[');
  });

  it('says a skipped check once, not "skipped: skipped:"', () => {
    const line = describeEvent({
      kind: 'check',
      platform: 'linux/arm64',
      result: { name: 'boot', status: 'skipped', detail: 'skipped: archive failed', durationMs: 0 },
    });
    expect(line).toBe('linux/arm64: boot skipped: archive failed');
  });

  it('draws live lines only on an interactive terminal, never in CI, with --json or NO_COLOR', () => {
    const live = (env: NodeJS.ProcessEnv, tty: boolean, json = false) => {
      const err = capture(tty);
      const view = chooseView({ stdout: capture(false).stream, stderr: err.stream, env }, { json });
      view.onEvent(started);
      view.close();
      return err.text().includes('\x1b[');
    };
    expect(live({}, true)).toBe(true);
    expect(live({}, false)).toBe(false);
    expect(live({ CI: 'true' }, true)).toBe(false);
    expect(live({ NO_COLOR: '' }, true)).toBe(false);
    expect(live({}, true, true)).toBe(false);
  });

  it('shows a download on its platform\'s live line with bytes and rate, like an upload', () => {
    const out = capture(true);
    let now = 0;
    const view = terminalView(out.stream, { now: () => now });
    view.onEvent(started);
    const MB = 1_000_000;
    view.onEvent({ kind: 'download-progress', asset: 'a.tar.gz', platform: 'linux/amd64', bytes: 0, total: 40 * MB });
    now = 2000;
    view.onEvent({ kind: 'download-progress', asset: 'a.tar.gz', platform: 'linux/amd64', bytes: 16 * MB, total: 40 * MB });
    view.onEvent({ kind: 'platform-finished', result: { platform: 'other', host: null, asset: null, sha256: null, verdict: 'pass', checks: [] } });
    expect(out.text()).toContain('linux/amd64    download 16 MB/40 MB 8 MB/s');
    now = 3000;
    view.onEvent({ kind: 'upload-progress', platform: 'linux/amd64', host: 'h', bytes: 0, total: 40 * MB });
    now = 3500;
    view.onEvent({ kind: 'upload-progress', platform: 'linux/amd64', host: 'h', bytes: 20 * MB, total: 40 * MB });
    view.close();
    expect(out.text()).toContain('upload to h 20 MB/40 MB 40 MB/s');
  });

  it('gives no rate before a quarter second: the first chunks come in a burst', () => {
    expect(transferText({ bytes: 5000, total: 10_000, movedBytes: 5000, elapsedMs: 100 })).toBe('5 KB/10 KB');
    expect(transferText({ bytes: 5000, total: 10_000, movedBytes: 4096, elapsedMs: 1000 })).toBe('5 KB/10 KB 4.1 KB/s');
  });
});
