/** A duration as people read it, to a tenth of a second: "1.5 s", "30 s". The one duration formatter. */
export function formatDuration(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
