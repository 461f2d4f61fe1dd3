/**
 * The value `-X <symbol>=<value>` sets in a build's `-ldflags`, split the way cmd/go splits flags
 * (spaces separate, single or double quotes group). The last `-X` for a symbol wins, as in the linker.
 */
export function versionStampIn(ldflags: string, symbol: string): string | undefined {
  const args = splitFlags(ldflags);
  let stamp: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    let definition: string | undefined;
    if (arg === '-X' || arg === '--X') definition = args[++i];
    else if (arg.startsWith('-X=')) definition = arg.slice(3);
    else if (arg.startsWith('--X=')) definition = arg.slice(4);
    if (definition?.startsWith(`${symbol}=`)) stamp = definition.slice(symbol.length + 1);
  }
  return stamp;
}

/** cmd/internal/quoted.Split: whitespace-separated fields; '…' or "…" keep spaces. */
export function splitFlags(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else if ((c === '"' || c === "'") && !inArg) {
      const end = text.indexOf(c, i + 1);
      const stop = end === -1 ? text.length : end;
      current += text.slice(i + 1, stop);
      i = stop;
      inArg = true;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (inArg) args.push(current);
  return args;
}
