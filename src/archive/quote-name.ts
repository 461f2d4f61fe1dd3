const MAX_SHOWN = 120;

/**
 * An entry name for a one-line message: quoted, control characters escaped, long names cut.
 * Names come from the archive and are not trusted to be printable.
 */
export function quoteName(name: string): string {
  const printable = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const cut = printable.length > MAX_SHOWN ? `${printable.slice(0, MAX_SHOWN)}…` : printable;
  return `'${cut}'`;
}
