/**
 * ProxyJump as ssh writes it: `[user@]host[:port]`, several joined by commas, `none` for no
 * jump. hosts.yaml may also give a list whose items are such strings or maps of hop keys.
 */

/** The keys of one hop read from a `[user@]host[:port]` string. */
export interface JumpSpec {
  address: string;
  user?: string;
  /** A number when it is one; otherwise the text as written, for the schema to refuse. */
  port?: number | string;
}

export function parseJumpSpec(spec: string): JumpSpec {
  let rest = spec.trim().replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  // [v6::addr]:port, or host:port with at most one colon.
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  let address = rest;
  let port: string | undefined;
  if (bracketed) {
    address = bracketed[1]!;
    port = bracketed[2];
  } else if (rest.split(':').length === 2) {
    [address, port] = rest.split(':') as [string, string];
  }
  return {
    address,
    ...(user === undefined ? {} : { user }),
    ...(port === undefined ? {} : { port: /^\d+$/.test(port) ? Number(port) : port }),
  };
}

/** The hops a ProxyJump value names, in order; `none` is an empty list. */
export function parseJumpList(value: string): JumpSpec[] {
  if (value.trim().toLowerCase() === 'none') return [];
  return value
    .split(',')
    .filter((part) => part.trim() !== '')
    .map(parseJumpSpec);
}

/** zod preprocess for hosts.yaml's `proxyJump`: strings become hop maps, anything else is left for the schema. */
export function jumpHopList(value: unknown): unknown {
  if (typeof value === 'string') return parseJumpList(value);
  if (Array.isArray(value)) return value.flatMap((item) => (typeof item === 'string' ? parseJumpList(item) : [item]));
  return value;
}

/** How errors name a hop: as ssh's ProxyJump would write it, `[user@]host[:port]`. */
export function hopName(hop: { address: string; user?: string | undefined; port?: number | string | undefined }): string {
  const user = hop.user === undefined ? '' : `${hop.user}@`;
  const port = hop.port === undefined ? '' : `:${hop.port}`;
  return `${user}${hop.address}${port}`;
}
