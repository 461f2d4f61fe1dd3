import type { CheckResult, PlatformResult } from '../../domain/verdict.ts';
import { statusLabel } from '../status-label.ts';
import { keepTail, truncateEnd } from '../../domain/text-safety.ts';
import { escapeInline, fencedBlock } from './escape.ts';

/** How much evidence each check may show; the budgeted renderer tightens these step by step. */
export interface DetailLimits {
  excerptChars: number;
  detailChars: number;
}

export const UNLIMITED: DetailLimits = { excerptChars: Infinity, detailChars: Infinity };

/**
 * One collapsed `<details>` block per platform that did not pass, listing each check that
 * did not pass with its detail and, when there is one, its log excerpt in a fenced block.
 */
export function renderDetails(platforms: readonly PlatformResult[], limits: DetailLimits): string | null {
  const blocks = platforms.filter((p) => p.checks.some((c) => c.status !== 'pass')).map((p) => platformBlock(p, limits));
  return blocks.length === 0 ? null : blocks.join('\n\n');
}

function platformBlock(platform: PlatformResult, limits: DetailLimits): string {
  const notPassed = platform.checks.filter((c) => c.status !== 'pass');
  const summary = `${escapeInline(platform.platform)}: ${statusLabel(platform.verdict)} (${notPassed
    .map((c) => escapeInline(c.name))
    .join(', ')})`;
  const body = notPassed.map((c) => checkBlock(c, limits));
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '</details>'].join('\n');
}

function checkBlock(check: CheckResult, limits: DetailLimits): string {
  const detail = escapeInline(truncateEnd(check.detail, limits.detailChars));
  const lines = [`**${escapeInline(check.name)}** ${statusLabel(check.status)}: ${detail}`, ''];
  const excerpt = check.excerpt ?? '';
  if (excerpt.trim() !== '' && limits.excerptChars > 0) {
    lines.push(fencedBlock(keepTail(excerpt, limits.excerptChars)), '');
  } else if (excerpt.trim() !== '') {
    lines.push(`_Log excerpt omitted (${excerpt.length} characters) to fit; see report.md._`, '');
  }
  return lines.join('\n');
}
