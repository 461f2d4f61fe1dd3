/**
 * The token in every form a server might echo it: as it is in any letter case, percent-encoded
 * (wholly or in part, either hex case), hex, and base64 or base64url at any of the three byte
 * alignments it can sit at inside a longer encoded string (a Basic `x-access-token:<token>`).
 * Null for a token too short to look for without hitting ordinary text.
 */
export function tokenPattern(token: string): RegExp | null {
  if (token.length < 4) return null;
  const perChar = [...Buffer.from(token, 'utf8')].map((byte) => {
    const char = String.fromCharCode(byte);
    const hex = byte.toString(16).padStart(2, '0');
    const literal = byte < 0x80 ? escapeRegExp(char) : `\\x${hex}`;
    return `(?:${literal}|%${hex})`;
  });
  const forms = [perChar.join(''), escapeRegExp(Buffer.from(token, 'utf8').toString('hex'))];
  for (const core of base64Cores(Buffer.from(token, 'utf8'))) {
    forms.push(escapeRegExp(core), escapeRegExp(core.replace(/\+/g, '-').replace(/\//g, '_')));
  }
  // Letter case is ignored for every form: a base64 near miss is scrubbed too, which costs nothing.
  return new RegExp(forms.join('|'), 'gi');
}

/** Replaces every form of `token` in `text` with `[token]`. */
export function scrubToken(text: string, token: string): string {
  const pattern = tokenPattern(token);
  return pattern ? text.replace(pattern, '[token]') : text;
}

/** The base64 characters that depend on the token's bytes alone, for 0, 1 and 2 bytes before it. */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (const before of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
    // The first group mixes in the bytes before (when any); a last partial group, those after.
    const start = before === 0 ? 0 : 4;
    const end = Math.floor((before + bytes.length) / 3) * 4;
    const core = encoded.slice(start, end);
    if (core.length >= 8) cores.push(core);
  }
  return cores;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
