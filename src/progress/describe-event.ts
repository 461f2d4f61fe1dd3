import type { RunEvent } from '../domain/events.ts';

/** One line of plain text for an event, or null for events only a live view shows. */
export function describeEvent(event: RunEvent): string | null {
  switch (event.kind) {
    case 'run-started':
      return `testing ${event.repo} ${event.tag} on ${event.platforms.join(', ')}`;
    case 'draft-waiting':
      return `${event.tag}: waiting for assets: ${event.missing.join(', ')}`;
    case 'stage':
      return `${event.platform}: ${event.stage}${event.host ? ` on ${event.host}` : ''}`;
    case 'download-progress':
    case 'upload-progress':
      return null;
    case 'check': {
      const { name, status, detail } = event.result;
      // A skipped check's detail already says "skipped: …".
      const said = detail.startsWith(`${status}:`) ? detail : `${status}: ${detail}`;
      return `${event.platform}: ${name} ${said}`;
    }
    case 'platform-finished':
      return `${event.result.platform}: ${event.result.verdict}`;
    case 'run-finished':
      return `run ${event.verdict}${event.reportDir ? `; reports in ${event.reportDir}` : ''}`;
    case 'warning':
      return `warning: ${[event.platform, event.host, event.message].filter(Boolean).join(': ')}`;
    case 'info':
      return event.message;
  }
}
