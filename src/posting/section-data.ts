import { z } from 'zod';
import type { RunReport } from '../domain/report.ts';

/**
 * What the release-body section says was tested, as JSON in an HTML comment, so `smoke watch`
 * and `smoke gate` can read it back from GitHub without parsing the Markdown.
 */
const sectionDataSchema = z.object({
  schema: z.literal(1),
  runId: z.string(),
  state: z.enum(['running', 'done']),
  verdict: z.enum(['pass', 'fail', 'error']).nullable(),
  tag: z.string(),
  commit: z.string().nullable(),
  assetDigests: z.record(z.string(), z.string()),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /**
   * Who runs it (a `running` section only): a later watch on the same machine whose pid is gone
   * knows the run was killed. Optional, so schema 1 sections without it still read.
   */
  runner: z.object({ hostname: z.string(), pid: z.number().int() }).optional(),
});

export type SectionData = z.infer<typeof sectionDataSchema>;

export const DATA_PREFIX = '<!-- smoke-test:data ';
const DATA_SUFFIX = ' -->';

export function sectionDataFromReport(report: RunReport): SectionData {
  return {
    schema: 1,
    runId: report.runId,
    state: 'done',
    verdict: report.verdict,
    tag: report.tag,
    commit: report.commit,
    assetDigests: report.assetDigests,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
  };
}

/**
 * The data comment. `<`, `>` and `&` are written as JSON `\u` escapes, so no value can close
 * the comment (`-->`, `--!>`) or open a marker (`<!--`); JSON.parse restores them.
 */
export function renderSectionData(data: SectionData): string {
  const json = JSON.stringify(data).replace(/[<>&]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${DATA_PREFIX}${json}${DATA_SUFFIX}`;
}

/** A run that has said "running" for longer than this was killed: test the draft again, or take it over. */
export const DEFAULT_STALE_RUN_MS = 2 * 60 * 60 * 1000;

/**
 * Until when (ms since epoch) a `running` section may belong to a live run: after `staleRunMs`
 * that run was killed. An unreadable start time cannot prove a run alive: 0, already stale.
 * Both `watch` (test the draft again) and a run's claim (take the draft over) decide by it.
 */
export function runningUntil(startedAt: string, staleRunMs: number): number {
  const started = Date.parse(startedAt);
  return Number.isNaN(started) ? 0 : started + staleRunMs;
}

/** The data embedded in a section, or null when there is none or it is not schema 1. */
export function parseSectionData(section: string): SectionData | null {
  const start = section.indexOf(DATA_PREFIX);
  if (start === -1) return null;
  const end = section.indexOf(DATA_SUFFIX, start + DATA_PREFIX.length);
  if (end === -1) return null;
  let value: unknown;
  try {
    value = JSON.parse(section.slice(start + DATA_PREFIX.length, end));
  } catch {
    return null; // a hand-edited or truncated comment reads as "no data", never as a pass
  }
  const parsed = sectionDataSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
