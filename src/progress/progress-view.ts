import type { EventSink } from '../domain/events.ts';

/** A subscriber to a run's events that draws them for a person. */
export interface ProgressView {
  onEvent: EventSink;
  /** Stops redrawing; the terminal view leaves its settled lines in place. */
  close(): void;
}
