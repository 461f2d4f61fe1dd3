/**
 * A small reader for XML property lists, enough for entitlements: it checks the structure
 * (plist → dict of key/value pairs, nested arrays and dicts) and returns the top dict's values
 * as `true`, `false` or `other`. Written here because the plist package's XML parser logs
 * parse errors to the console, and a user's bad input must come back as a value.
 */
export type PlistScalar = true | false | 'other';

type Token = { kind: 'open'; name: string; empty: boolean } | { kind: 'close'; name: string } | { kind: 'text'; text: string };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const known = ENTITIES[name];
    if (known === undefined) throw new Error(`unknown entity ${whole}`);
    return known;
  });
}

function tokenize(xml: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const skipTo = (end: string): void => {
    const stop = xml.indexOf(end, at);
    if (stop === -1) throw new Error(`unclosed ${xml.slice(at, at + 9)}…`);
    at = stop + end.length;
  };
  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    const text = xml.slice(at, lt === -1 ? xml.length : lt);
    if (text.trim() !== '') tokens.push({ kind: 'text', text: decodeText(text) });
    if (lt === -1) break;
    at = lt;
    if (xml.startsWith('<?', at)) skipTo('?>');
    else if (xml.startsWith('<!--', at)) skipTo('-->');
    else if (xml.startsWith('<![CDATA[', at)) {
      const end = xml.indexOf(']]>', at);
      if (end === -1) throw new Error('unclosed CDATA section');
      tokens.push({ kind: 'text', text: xml.slice(at + 9, end) });
      at = end + 3;
    } else if (xml.startsWith('<!', at)) skipTo('>');
    else {
      const end = xml.indexOf('>', at);
      if (end === -1) throw new Error('unclosed tag');
      const tag = xml.slice(at + 1, end);
      const m = /^(\/?)([A-Za-z][\w.-]*)(?:\s[^>]*?)?(\/?)$/.exec(tag.trim());
      if (!m) throw new Error(`malformed tag <${tag.slice(0, 40)}>`);
      tokens.push(m[1] ? { kind: 'close', name: m[2]! } : { kind: 'open', name: m[2]!, empty: m[3] === '/' });
      at = end + 1;
    }
  }
  return tokens;
}

class PlistReader {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private next(): Token {
    const token = this.tokens[this.at++];
    if (!token) throw new Error('the document ends early');
    return token;
  }

  private close(name: string): void {
    const token = this.next();
    if (token.kind !== 'close' || token.name !== name) throw new Error(`expected </${name}>`);
  }

  /** Text up to the closing tag (empty for `<string></string>`). */
  private textOf(name: string): string {
    const token = this.tokens[this.at];
    if (token?.kind === 'text') this.at++;
    this.close(name);
    return token?.kind === 'text' ? token.text : '';
  }

  document(): Map<string, PlistScalar> {
    const open = this.next();
    if (open.kind !== 'open' || open.name !== 'plist') throw new Error('no <plist> element');
    const first = this.next();
    if (first.kind !== 'open' || first.name !== 'dict') throw new Error('a property list without a top-level dict');
    const top = this.dict(first.empty);
    this.close('plist');
    if (this.at !== this.tokens.length) throw new Error('content after </plist>');
    return top;
  }

  private dict(empty: boolean): Map<string, PlistScalar> {
    const entries = new Map<string, PlistScalar>();
    if (empty) return entries;
    for (let token = this.next(); token.kind !== 'close'; token = this.next()) {
      if (token.kind !== 'open' || token.name !== 'key' || token.empty) throw new Error('expected <key> in a dict');
      const key = this.textOf('key');
      entries.set(key, this.value(this.next()));
    }
    return entries;
  }

  private value(token: Token): PlistScalar {
    if (token.kind !== 'open') throw new Error('expected a value after a <key>');
    if (token.name === 'true' || token.name === 'false') {
      if (!token.empty) this.close(token.name);
      return token.name === 'true';
    }
    if (token.name === 'dict') this.dict(token.empty);
    else if (token.name === 'array') {
      if (!token.empty) for (let t = this.next(); t.kind !== 'close' || t.name !== 'array'; t = this.next()) this.value(t);
    } else if (['string', 'integer', 'real', 'date', 'data'].includes(token.name)) {
      if (!token.empty) this.textOf(token.name);
    } else throw new Error(`unknown element <${token.name}>`);
    return 'other';
  }
}

/** The top dict of an XML property list; throws an Error naming what is malformed. */
export function readPlistDict(xml: string): Map<string, PlistScalar> {
  return new PlistReader(tokenize(xml)).document();
}
