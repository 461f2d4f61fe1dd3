import { z } from 'zod';
import { closestName } from './closest-name.ts';
import type { Problem } from './problem.ts';
import type { KeyPath } from './yaml-locator.ts';

/** Turns zod's issues into problems a person can act on: what was expected, what was there. */
export function zodProblems(issues: readonly z.core.$ZodIssue[], data: unknown, schema: z.ZodType): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path as KeyPath;
    if (issue.code === 'unrecognized_keys') {
      const valid = knownKeys(schema, path);
      for (const key of issue.keys) problems.push({ path: [...path, key], at: 'key', message: unknownKey(key, valid) });
      continue;
    }
    const parent = valueAt(data, path.slice(0, -1));
    const last = path[path.length - 1];
    if (last !== undefined && isRecord(parent) && !(String(last) in parent)) {
      problems.push({ path, message: `missing required key "${String(last)}"` });
      continue;
    }
    const generic = issue.code === 'invalid_type' && !issue.message.startsWith('expected');
    const message = generic ? (TYPE_NAMES[issue.expected] ?? issue.message) : issue.message;
    // Messages that state an expectation say what was found instead.
    const found = 'input' in issue && issue.input !== undefined ? issue.input : valueAt(data, path);
    const got = message.startsWith('expected') ? `, got ${describe(found)}` : '';
    problems.push({ path, message: `${message}${got}` });
  }
  return problems;
}

// zod's own words for a wrong type, for schemas that give none of their own.
const TYPE_NAMES: Record<string, string> = {
  object: 'expected a map of keys and values',
  array: 'expected a list',
  string: 'expected a string',
  number: 'expected a number',
  boolean: 'expected true or false',
};

function unknownKey(key: string, valid: readonly string[]): string {
  const guess = closestName(key, valid);
  if (guess) return `unknown key "${key}"; did you mean "${guess}"?`;
  return valid.length ? `unknown key "${key}"; valid keys here: ${valid.join(', ')}` : `unknown key "${key}"`;
}

/** The keys the schema allows at a path, for suggestions. */
function knownKeys(schema: z.ZodType, path: KeyPath): string[] {
  let node: z.ZodType | undefined = schema;
  for (const segment of path) node = node && child(node, segment);
  const target = node && unwrap(node);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

function child(schema: z.ZodType, segment: PropertyKey): z.ZodType | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return typeof segment === 'string' ? (s.shape as Record<string, z.ZodType>)[segment] : undefined;
  if (s instanceof z.ZodArray) return s.element as z.ZodType;
  if (s instanceof z.ZodRecord) return s.valueType as z.ZodType;
  return undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    // A preprocessed key (proxyJump): its keys are the output schema's.
    else if (s instanceof z.ZodPipe) s = s.out as z.ZodType;
    else return s;
  }
}

function valueAt(data: unknown, path: KeyPath): unknown {
  let v = data;
  for (const segment of path) {
    if (Array.isArray(v) && typeof segment === 'number') v = v[segment];
    else if (isRecord(v)) v = v[String(segment)];
    else return undefined;
  }
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** How a YAML value reads back to its author. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}
