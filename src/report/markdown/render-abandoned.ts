import { renderSectionData, type SectionData } from '../../posting/section-data.ts';
import { codeIfHex, escapeInline } from './escape.ts';

/** The section of a run that ended without a verdict (cancelled, or the service failed). */
export function renderAbandonedSection(data: SectionData, reason: string): string {
  const commit = data.commit === null ? 'unknown commit' : `commit ${codeIfHex(data.commit, 12)}`;
  return [
    renderSectionData(data),
    '### Smoke test',
    '',
    `⚠️ **no verdict**: ${escapeInline(reason)}`,
    '',
    `${escapeInline(data.tag)} at ${commit} · run ${escapeInline(data.runId)} · started ${escapeInline(data.startedAt)} · ended ${escapeInline(data.finishedAt ?? 'unknown')}. Run it again.`,
  ].join('\n');
}
