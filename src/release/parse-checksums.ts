/**
 * GNU `sha256sum` output: `<64 hex><space><space or *><name>`, one line per file. Lines for
 * names holding a backslash or a newline start with `\` and escape those characters.
 * Parsing never throws: every line that cannot be used is a problem naming the line.
 */
export interface ChecksumEntry {
  name: string;
  /** Lowercase hex. */
  sha256: string;
  line: number;
}

export interface ChecksumProblem {
  /** 0 when the problem is about the whole file. */
  line: number;
  name?: string;
  severity: 'error' | 'warning';
  /** One line, already prefixed with `file:line`. */
  message: string;
}

export interface ChecksumsFile {
  fileName: string;
  entries: ChecksumEntry[];
  problems: ChecksumProblem[];
}

/**
 * A release's checksums.txt lists a few archives (about 100 bytes a line): a file this large is
 * no checksum file. Read whole, 108 MB of it once took 1.1 GB of memory and printed 900,000 warnings.
 */
export const MAX_CHECKSUMS_BYTES = 1_000_000;

const LINE_RE = /^(\\)?([0-9A-Fa-f]+) ([ *])?(.*)$/;
const BSD_RE = /^[A-Z0-9-]+ \(.*\) = [0-9A-Fa-f]+$/;

export function parseChecksums(text: string, fileName = 'checksums.txt'): ChecksumsFile {
  const entries: ChecksumEntry[] = [];
  const problems: ChecksumProblem[] = [];
  const at = (line: number) => (line === 0 ? fileName : `${fileName}:${line}`);
  const problem = (line: number, severity: ChecksumProblem['severity'], message: string, name?: string) =>
    problems.push({ line, severity, message: `${at(line)}: ${message}`, ...(name === undefined ? {} : { name }) });

  const lines = text.replace(/^\uFEFF/, '').split('\n');
  // A final newline leaves one empty string behind: not a line.
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return problem(lineNo, 'warning', 'blank line ignored');
    if (line.startsWith('#')) return;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') return problem(lineNo, 'error', parsed);
    const { hex, name } = parsed;
    if (hex.length !== 64) {
      return problem(lineNo, 'error', `digest for "${name}" has ${hex.length} hex digits; SHA-256 has 64`, name);
    }
    entries.push({ name, sha256: hex.toLowerCase(), line: lineNo });
  });

  if (entries.length === 0 && problems.every((p) => p.severity === 'warning')) {
    problem(0, 'error', 'no checksum entries (the file is empty)');
  }
  reportDuplicates(entries, problem);
  return { fileName, entries, problems };
}

function parseLine(line: string): { hex: string; name: string } | string {
  if (BSD_RE.test(line)) return 'BSD-style "SHA256 (name) = digest" line; expected GNU sha256sum format "<digest>  <name>"';
  const m = LINE_RE.exec(line);
  if (!m) return `malformed line; expected "<64 hex digits>  <file name>": ${JSON.stringify(truncate(line))}`;
  const escaped = m[1] !== undefined;
  const hex = m[2]!;
  const rawName = m[4]!;
  if (rawName === '') return `no file name after the digest`;
  if (!escaped) return { hex, name: rawName };
  const name = unescapeName(rawName);
  return name === undefined ? `bad escape in file name ${JSON.stringify(truncate(rawName))}; only \\\\, \\n and \\r are allowed` : { hex, name };
}

/** GNU escapes `\` as `\\`, newline as `\n` and (coreutils 9) carriage return as `\r`. */
function unescapeName(raw: string): string | undefined {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = raw[++i];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else return undefined;
  }
  return out;
}

function reportDuplicates(
  entries: ChecksumEntry[],
  problem: (line: number, severity: ChecksumProblem['severity'], message: string, name?: string) => void,
): void {
  const first = new Map<string, ChecksumEntry>();
  for (const entry of entries) {
    const earlier = first.get(entry.name);
    if (!earlier) {
      first.set(entry.name, entry);
    } else if (earlier.sha256 === entry.sha256) {
      problem(entry.line, 'warning', `"${entry.name}" listed again with the same digest (first on line ${earlier.line})`, entry.name);
    } else {
      problem(
        entry.line,
        'error',
        `"${entry.name}" listed again with a different digest (line ${earlier.line}: ${earlier.sha256}, here: ${entry.sha256})`,
        entry.name,
      );
    }
  }
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
