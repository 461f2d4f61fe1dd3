/** slog's text handler: `time=… level=INFO msg="…" key=value`, values quoted when they need it. */
export function formatLine(level, msg, attrs = {}) {
  const parts = [`time=${new Date().toISOString()}`, `level=${level}`, `msg=${quote(msg)}`];
  for (const [key, value] of Object.entries(attrs)) parts.push(`${key}=${quote(String(value))}`);
  return parts.join(' ') + '\n';
}

function quote(value) {
  return /^[^\s"=\\]+$/.test(value) ? value : JSON.stringify(value);
}

/** A logger writing to stderr, as ephemerd does. */
export function createLogger(stream = process.stderr) {
  return {
    info: (msg, attrs) => stream.write(formatLine('INFO', msg, attrs)),
    warn: (msg, attrs) => stream.write(formatLine('WARN', msg, attrs)),
    error: (msg, attrs) => stream.write(formatLine('ERROR', msg, attrs)),
    debug: (msg, attrs) => stream.write(formatLine('DEBUG', msg, attrs)),
  };
}
