/** Bytes in decimal units, as people read binary sizes ("12 KB", "30 MB"). */
export function formatSize(bytes: number): string {
  const units = ['KB', 'MB', 'GB'];
  if (bytes < 1000) return `${bytes} bytes`;
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const shown = value >= 100 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}
