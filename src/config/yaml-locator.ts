import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type KeyPath = readonly PropertyKey[];

export interface Position {
  line: number;
  col: number;
}

/**
 * Finds where a key path sits in the parsed file. A path that does not exist (a missing key)
 * resolves to the deepest map or list that does, so the message points at the parent.
 * `at: 'key'` points at the key itself rather than its value (unknown keys, duplicates).
 */
export type Locate = (path: KeyPath, at?: 'key' | 'value') => Position;

export function createLocator(doc: Document, lineCounter: LineCounter): Locate {
  const position = (node: Node | null | undefined): Position | undefined => {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset);
  };
  return (path, at = 'value') => {
    let node = doc.contents as Node | null;
    let found = position(node) ?? { line: 1, col: 1 };
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const keyPos = position(pair.key as Node);
        const valuePos = position(pair.value as Node | null);
        // An empty value (`port:`) has no range of its own: point at its key.
        found = (last && at === 'key' ? keyPos : (valuePos ?? keyPos)) ?? found;
        node = pair.value as Node | null;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (!item) break;
        found = position(item) ?? found;
        node = item;
      } else {
        break;
      }
    }
    return found;
  };
}

/** `hosts[1].port`, as a person would name the key. */
export function formatKeyPath(path: KeyPath): string {
  let s = '';
  for (const segment of path) {
    if (typeof segment === 'number') s += `[${segment}]`;
    else s += s === '' ? String(segment) : `.${String(segment)}`;
  }
  return s;
}
