import type { EventSink } from '../domain/events.ts';
import { describeEvent } from '../progress/describe-event.ts';
import type { CliIo } from './io.ts';

/** For commands without a progress view (`hosts check`, `hosts clean`): warnings as `smoke: warning: …` lines on stderr. */
export function warningsTo(io: Pick<CliIo, 'stderr'>): EventSink {
  return (event) => {
    if (event.kind === 'warning') io.stderr.write(`smoke: ${describeEvent(event)}\n`);
  };
}
