import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { toRunIndexHtml, type RunIndexEntry, type SkippedReport } from './run-index.ts';

const verdict = z.enum(['pass', 'fail', 'error']);
/** The part of report.json the index reads; anything else in it may change freely. */
const indexedReport = z.object({
  runId: z.string(),
  tag: z.string(),
  repo: z.string(),
  verdict,
  startedAt: z.string(),
  finishedAt: z.string(),
  platforms: z.array(z.object({ platform: z.string(), verdict })),
});

/**
 * Rebuilds `<reportsDir>/index.html` from every `<tag>/<run>/report.json`, and every
 * `<owner>/<name>/<tag>/<run>/report.json` (where runs of several repositories go). A report that
 * cannot be read or parsed is listed under "Skipped" with the reason: one bad file never hides the rest.
 */
export async function writeRunIndex(reportsDir: string): Promise<{ path: string; runs: number; skipped: SkippedReport[] }> {
  const entries: RunIndexEntry[] = [];
  const skipped: SkippedReport[] = [];
  await collect(reportsDir, [], { entries, skipped });
  skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  const path = join(reportsDir, 'index.html');
  // Written aside and renamed, so a browser never shows half a file; its own name, as two runs may finish at once.
  const aside = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(aside, toRunIndexHtml(entries, skipped));
    await rename(aside, path);
  } catch (error) {
    // A full disk leaves no half-written file behind; the error still reaches the caller.
    await rm(aside, { force: true });
    throw error;
  }
  return { path, runs: entries.length, skipped };
}

/** Run folders sit two levels down (`<tag>/<run>`), or four in a repository's folder (`<owner>/<name>/<tag>/<run>`). */
async function collect(reportsDir: string, at: readonly string[], found: { entries: RunIndexEntry[]; skipped: SkippedReport[] }): Promise<void> {
  for (const name of await subfolders(join(reportsDir, ...at))) {
    const parts = [...at, name];
    if (parts.length === 2 || parts.length === 4) {
      const read = await readIndexed(join(reportsDir, ...parts, 'report.json'));
      if (read.kind === 'bad') found.skipped.push({ path: `${parts.join('/')}/report.json`, reason: read.reason });
      if (read.kind === 'ok') found.entries.push({ ...read.report, href: `${parts.map(encodeURIComponent).join('/')}/report.html` });
      if (read.kind !== 'absent') continue;
    }
    if (parts.length < 4) await collect(reportsDir, parts, found);
  }
}

type Read = { kind: 'ok'; report: z.infer<typeof indexedReport> } | { kind: 'absent' } | { kind: 'bad'; reason: string };

async function readIndexed(file: string): Promise<Read> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return { kind: 'absent' };
    return { kind: 'bad', reason: error instanceof Error ? error.message : String(error) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'bad', reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = indexedReport.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { kind: 'bad', reason: `not a smoke report: ${first ? `${first.path.join('.') || '(top)'}: ${first.message}` : 'unexpected shape'}` };
  }
  return { kind: 'ok', report: parsed.data };
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const found = await readdir(dir, { withFileTypes: true });
    return found.filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return [];
    throw error;
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === code;
}
