#!/usr/bin/env node
// Extracts, from GitHub's published OpenAPI description (@octokit/openapi), the response
// schemas of the operations the fake GitHub serves, into a small self-contained file that
// test/support/github-schema.ts validates the fake's responses against.
// The package is 385 MB unpacked, so it is never installed: `npm pack` fetches the tarball
// into a temp dir and only generated/api.github.com.json is extracted from it.
//
//   node scripts/extract-github-schemas.mjs [openapi-version]
//
// The default version is the one @octokit/openapi-types (our source of GitHub types) was
// generated from, so the types and the schemas describe the same API.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'src/sandbox/fake-github/github-schemas.json');
const SPEC_PATH = 'package/generated/api.github.com.json';

export const OPERATIONS = [
  'repos/list-releases',
  'repos/get-release',
  'repos/get-release-by-tag',
  'repos/update-release',
  'repos/list-release-assets',
  'repos/get-release-asset',
  'git/get-ref',
  'repos/get-commit',
  'repos/get-branch',
  'repos/create-commit-status',
  'repos/list-commit-statuses-for-ref',
  'repos/get-combined-status-for-ref',
];
// Not an operation's declared response, but the shape of every GitHub error body: the
// validator falls back to it for error statuses an operation does not declare.
const EXTRA_SCHEMAS = ['basic-error'];
// Documentation-only keywords: dropping them keeps the file small and changes no validation.
const DROPPED_KEYS = new Set(['description', 'example', 'examples', 'summary', 'externalDocs']);

function defaultVersion() {
  const types = JSON.parse(readFileSync(join(root, 'node_modules/@octokit/openapi-types/package.json'), 'utf8'));
  return types.octokit['openapi-version'];
}

async function loadSpec(version) {
  const dir = mkdtempSync(join(tmpdir(), 'github-openapi-'));
  try {
    const here = $({ cwd: dir, quiet: true });
    await here`npm pack --silent ${`@octokit/openapi@${version}`}`;
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack @octokit/openapi@${version} produced no tarball`);
    await here`tar xzf ${tarball} ${SPEC_PATH}`;
    return JSON.parse(readFileSync(join(dir, SPEC_PATH), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function resolvePointer(spec, ref) {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
  return ref.slice(2).split('/').reduce((node, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
}

/** Copies a schema without documentation keys; records every components/schemas it names. */
function strip(node, wanted) {
  if (Array.isArray(node)) return node.map((n) => strip(n, wanted));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key) || key.startsWith('x-')) continue;
    if (key === '$ref') {
      if (!value.startsWith('#/components/schemas/')) throw new Error(`unexpected $ref in a schema: ${value}`);
      wanted.add(value.slice('#/components/schemas/'.length));
    }
    // `properties` maps names to schemas; a property may be named like a dropped keyword.
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value).map(([p, s]) => [p, strip(s, wanted)])) : strip(value, wanted);
  }
  return out.nullable === true ? toJsonSchemaNull(out) : out;
}

/**
 * OpenAPI 3.0's `nullable: true` written as plain JSON Schema, so any validator reads it
 * the same way: a null type (and enum value) beside `type`, or `anyOf [schema, null]`
 * where there is no `type` (nullable beside oneOf/allOf).
 */
function toJsonSchemaNull({ nullable: _nullable, ...schema }) {
  if (typeof schema.type === 'string') {
    const typed = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) typed.enum = [...schema.enum, null];
    return typed;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

function extract(spec) {
  const wanted = new Set(EXTRA_SCHEMAS);
  const operations = {};
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!OPERATIONS.includes(op?.operationId)) continue;
      const responses = {};
      for (const [status, declared] of Object.entries(op.responses)) {
        const response = declared.$ref ? resolvePointer(spec, declared.$ref) : declared;
        const schema = response.content?.['application/json']?.schema;
        // null: the status is declared without a JSON body (302 Found, 304 Not Modified).
        responses[status] = schema ? strip(schema, wanted) : null;
      }
      operations[op.operationId] = { method: method.toUpperCase(), path, responses };
    }
  }
  const missing = OPERATIONS.filter((id) => !operations[id]);
  if (missing.length > 0) throw new Error(`operations not in the spec: ${missing.join(', ')}`);

  const schemas = {};
  const queue = [...wanted];
  while (queue.length > 0) {
    const name = queue.pop();
    if (schemas[name]) continue;
    const found = new Set();
    schemas[name] = strip(spec.components.schemas[name], found);
    for (const n of found) if (!schemas[n]) queue.push(n);
  }
  const sorted = Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
  return { operations, components: { schemas: sorted } };
}

const version = process.argv[2] ?? defaultVersion();
const spec = await loadSpec(version);
const result = {
  source: { package: '@octokit/openapi', packageVersion: version, file: 'generated/api.github.com.json', infoVersion: spec.info.version, openapi: spec.openapi, note: 'nullable rewritten as JSON Schema null types; documentation keys dropped' },
  ...extract(spec),
};
writeFileSync(output, `${JSON.stringify(result, null, 1)}\n`);
process.stdout.write(`wrote ${output}: ${Object.keys(result.operations).length} operations, ${Object.keys(result.components.schemas).length} schemas\n`);
