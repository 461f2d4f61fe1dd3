// Validates a JSON body against GitHub's published response schema for an operation, as
// extracted into src/sandbox/fake-github/github-schemas.json by
// scripts/extract-github-schemas.mjs. Used to keep the fake GitHub honest.
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';

interface ExtractedSchemas {
  source: { packageVersion: string; infoVersion: string };
  operations: Record<string, { method: string; path: string; responses: Record<string, unknown> }>;
}

const SCHEMA_FILE = new URL('../../src/sandbox/fake-github/github-schemas.json', import.meta.url);
const DOCUMENT_ID = 'github';

const document = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as ExtractedSchemas;
// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// strict: false because the document mixes schemas with OpenAPI's own keys (operations,
// method, path). inlineRefs: false compiles each shared schema once, halving compile time.
const ajv = addFormats(new Ajv({ strict: false, allErrors: true, inlineRefs: false }));
ajv.addSchema(document, DOCUMENT_ID);
const compiled = new Map<string, ValidateFunction>();

export const githubSchemaVersion = document.source;

export function githubOperationIds(): string[] {
  return Object.keys(document.operations);
}

/**
 * Returns the schema violations of `body` as readable lines; empty when it conforms.
 * An error status the operation does not declare, or declares without a schema (get-release's
 * 401), is checked against GitHub's generic `basic-error`: every GitHub error body has that
 * shape. A redirect or 304 must come with no body.
 */
export function validateGitHubResponse(operationId: string, status: number, body: unknown): string[] {
  const operation = document.operations[operationId];
  if (!operation) throw new Error(`unknown operationId ${operationId}`);
  // Any GET may answer a conditional request with 304; the spec rarely lists it.
  if (status === 304) return body === undefined ? [] : [`${operationId} 304: a 304 carries no body`];
  const declared = Object.hasOwn(operation.responses, String(status));
  const schema = declared ? operation.responses[String(status)] : null;
  if (declared && schema === null && status < 400) {
    return body === undefined ? [] : [`${operationId} ${status}: declared without a body, got one`];
  }
  let pointer: string;
  if (schema !== null) {
    pointer = `#/operations/${escapePointer(operationId)}/responses/${status}`;
  } else if (status >= 400) {
    pointer = '#/components/schemas/basic-error';
  } else {
    return [`${operationId}: status ${status} is not a documented response`];
  }
  const validate = compile(`${DOCUMENT_ID}${pointer}`);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${operationId} ${status}: ${describe(e)}`);
}

function compile(ref: string): ValidateFunction {
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    compiled.set(ref, validate);
  }
  return validate;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(e: ErrorObject): string {
  return `${e.instancePath || '(root)'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`;
}
