import type { CheckResult, PlatformResult, Verdict } from './verdict.ts';

/**
 * What a run tells the world while it goes. The pipeline emits these; the terminal view,
 * the plain CI log and the JSON report subscribe. No module logs to the console itself.
 */
export type RunEvent =
  | { kind: 'run-started'; tag: string; repo: string; platforms: string[] }
  | { kind: 'draft-waiting'; tag: string; missing: string[] }
  | { kind: 'stage'; platform: string; stage: string; host?: string }
  | { kind: 'download-progress'; asset: string; bytes: number; total: number; platform?: string }
  | { kind: 'upload-progress'; platform: string; host: string; bytes: number; total: number }
  | { kind: 'check'; platform: string; result: CheckResult }
  | { kind: 'platform-finished'; result: PlatformResult }
  | { kind: 'run-finished'; verdict: Verdict; reportDir?: string }
  | { kind: 'warning'; message: string; platform?: string; host?: string }
  | { kind: 'info'; message: string };

export type EventSink = (event: RunEvent) => void;

/** A sink that drops everything: for callers that do not watch progress. */
export const ignoreEvents: EventSink = () => {};
