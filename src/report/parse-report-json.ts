import { z } from 'zod';
import type { RunReport } from '../domain/report.ts';

const verdict = z.enum(['pass', 'fail', 'error']);

const checkSchema = z.object({
  name: z.string(),
  status: z.enum(['pass', 'fail', 'error', 'skipped']),
  detail: z.string(),
  durationMs: z.number(),
  excerpt: z.string().optional(),
  startMs: z.number().optional(),
});

const platformSchema = z.object({
  platform: z.string(),
  host: z.string().nullable(),
  asset: z.string().nullable(),
  sha256: z.string().nullable(),
  verdict,
  checks: z.array(checkSchema),
  insecureHostKey: z.boolean().optional(),
});

/** report.json, schema 1, as `toReportJson` writes it (src/domain/report.ts says what each key means). */
const reportSchema = z.object({
  schema: z.literal(1),
  runId: z.string().min(1),
  tag: z.string().min(1),
  repo: z.string().min(1),
  releaseId: z.number().int(),
  commit: z.string().nullable(),
  verdict,
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  checksumsSha256: z.string().nullable(),
  assetDigests: z.record(z.string(), z.string()),
  platforms: z.array(platformSchema),
  plan: z.array(z.string()).optional(),
  insecureHosts: z.array(z.string()),
  runUrl: z.string().optional(),
  draftUrl: z.string().optional(),
  commitUrl: z.string().optional(),
  stale: z.array(z.string()).optional(),
});

export type ParsedReport = { ok: true; report: RunReport } | { ok: false; problem: string };

/** A report.json's text as a RunReport, or what is wrong with it in one line (never a stack). Pure. */
export function parseReportJson(text: string): ParsedReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = reportSchema.safeParse(value);
  if (parsed.success) return { ok: true, report: parsed.data as RunReport };
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.length > 0 ? i.path.join('.') : 'the top level'}: ${i.message}`);
  const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : '';
  return { ok: false, problem: `not a smoke report.json (schema 1): ${issues.join('; ')}${more}` };
}
