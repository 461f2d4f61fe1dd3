/** A module as the module info lists it: `mod` (the main module) or `dep`, maybe replaced (`=>`). */
export interface GoModule {
  path: string;
  /** `(devel)` for the main module when built from a checkout. */
  version: string;
  sum: string;
  replacedBy?: GoModule;
}

/** One `build` line, e.g. `-ldflags` → `-s -w -X main.version=v1.2.3`, `GOOS` → `linux`. */
export interface GoBuildSetting {
  key: string;
  value: string;
}

/** What `go version -m` prints, as data. */
export interface GoModuleInfo {
  /** The main package's import path (`path` line). */
  path: string;
  main: GoModule | null;
  deps: GoModule[];
  /** In the order written; keys may repeat in theory, `setting()` takes the last. */
  settings: GoBuildSetting[];
}

/** Parses the module info text (tab-separated lines, as cmd/go's BuildInfo.String writes them). */
export function parseModuleInfo(text: string): GoModuleInfo {
  const info: GoModuleInfo = { path: '', main: null, deps: [], settings: [] };
  for (const line of text.split('\n')) {
    const [kind = '', ...fields] = line.split('\t');
    if (kind === 'path') info.path = fields.join('\t');
    else if (kind === 'mod') info.main = goModule(fields);
    else if (kind === 'dep') info.deps.push(goModule(fields));
    else if (kind === '=>') {
      const last = info.deps.at(-1) ?? info.main;
      if (last) last.replacedBy = goModule(fields);
    } else if (kind === 'build') {
      const setting = parseSettingLine(fields.join('\t'));
      if (setting) info.settings.push(setting);
    }
  }
  return info;
}

/** The last value of a build setting, or undefined when the build did not record it. */
export function buildSetting(info: GoModuleInfo, key: string): string | undefined {
  for (let i = info.settings.length - 1; i >= 0; i--) {
    if (info.settings[i]!.key === key) return info.settings[i]!.value;
  }
  return undefined;
}

function goModule(fields: string[]): GoModule {
  return { path: fields[0] ?? '', version: fields[1] ?? '', sum: fields[2] ?? '' };
}

/** `key=value`, where cmd/go quotes a key or value that holds spaces, tabs, quotes or `=` (a key). */
function parseSettingLine(text: string): GoBuildSetting | undefined {
  let key: string;
  let rest: string;
  if (text.startsWith('"')) {
    const end = goQuotedEnd(text, 0);
    if (end === undefined || text[end] !== '=') return undefined;
    key = unquoteGo(text.slice(0, end));
    rest = text.slice(end + 1);
  } else {
    const eq = text.indexOf('=');
    if (eq <= 0) return undefined;
    key = text.slice(0, eq);
    rest = text.slice(eq + 1);
  }
  const value = rest.startsWith('"') && goQuotedEnd(rest, 0) === rest.length ? unquoteGo(rest) : rest;
  return { key, value };
}

/** Index just past the closing quote of a Go double-quoted string starting at `from`. */
function goQuotedEnd(text: string, from: number): number | undefined {
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** strconv.Unquote for a double-quoted string as strconv.Quote writes it. */
export function unquoteGo(quoted: string): string {
  const body = quoted.slice(1, -1);
  const bytes: number[] = [];
  const pushText = (s: string): void => void bytes.push(...Buffer.from(s, 'utf8'));
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      pushText(String.fromCodePoint(cp));
      if (cp > 0xffff) i++;
      continue;
    }
    const e = body[++i] ?? '';
    if (e in SIMPLE_ESCAPES) pushText(SIMPLE_ESCAPES[e]!);
    else if (e === 'x') bytes.push(parseInt(body.slice(i + 1, (i += 2) + 1), 16));
    else if (e === 'u') pushText(String.fromCodePoint(parseInt(body.slice(i + 1, (i += 4) + 1), 16)));
    else if (e === 'U') pushText(String.fromCodePoint(parseInt(body.slice(i + 1, (i += 8) + 1), 16)));
    else if (/[0-7]/.test(e)) bytes.push(parseInt(body.slice(i, (i += 2) + 1), 8));
    else pushText(e);
  }
  return Buffer.from(bytes).toString('utf8');
}
