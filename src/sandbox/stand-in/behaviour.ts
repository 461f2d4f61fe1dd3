import type { PlatformId } from '../../domain/platform.ts';

/**
 * How a stand-in ephemerd behaves. `good` is a healthy build; every other variant is one way a
 * real build (or a careless probe) goes wrong, so the probes can be tested against each.
 */
export const STAND_IN_VARIANTS = [
  'good',
  'no-stamp',
  'wrong-version',
  'empty-kernel-exit',
  'vm-not-started',
  'never-ready',
  'ignore-sigterm',
  'orphan-child',
  // A child that leaves the daemon's process group and session (`setsid`), and outlives a stop.
  'setsid-child',
  // `--version` prints, then leaves a child in its own session with its streams closed.
  'version-child',
  // Ready, then logs without end while /healthz accepts and never answers.
  'endless-log',
  'noisy',
  'exit-before-ready',
  // Output written to attack the report: our section's end marker, HTML, mentions, 10 MB of it.
  'hostile',
  // A raw log line of escape codes (window title, erase line, CR, cursor up) faking our own line.
  'escape-codes',
] as const;
export type StandInVariant = (typeof STAND_IN_VARIANTS)[number];

export interface StandInBehaviour {
  /** What `--version` prints, e.g. `v0.0.1` or `dev`. */
  version: string;
  variant: StandInVariant;
  /** Delay between `container runtime ready` and `ephemerd ready`. */
  readyAfterMs?: number;
  /** `noisy` only: log bytes written before ready (default 20 MiB). */
  noiseBytes?: number;
  /** `endless-log` only: log bytes written per second (default 16 MiB). */
  noiseBytesPerSecond?: number;
}

/** What the binary carries after its header, read back by ephemerd.mjs. */
export interface StandInPayload extends StandInBehaviour {
  platform: PlatformId;
}

/**
 * The line that precedes the JSON payload. ephemerd.mjs has its own copy (it cannot import
 * TypeScript): keep the two equal.
 */
export const PAYLOAD_MARKER = '\n#STANDIN-EPHEMERD-PAYLOAD#\n';
/** Where the marker starts: past every header this builder writes. */
export const PAYLOAD_OFFSET = 512;
