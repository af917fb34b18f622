import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { ActionError } from '../../lib/errors.js';
import { parseJsonPath, type PathSegment } from './json-path.js';
import type { SchemaCheck } from './schema.js';

/** One test case, read from one case file (see docs/smoke-test-endpoint.md for the format). */
export interface SmokeCase {
  /** The case file, relative to the workspace (where annotations point). */
  file: string;
  name: string;
  request: SmokeRequest;
  expect: Expectations;
}

export interface SmokeRequest {
  contentType: string;
  accept?: string;
  body: Buffer;
  targetVariant?: string;
  customAttributes?: string;
}

export interface Expectations {
  status: number;
  maxLatencyMs?: number;
  values: ValueExpectation[];
  schema?: SchemaCheck;
}

/** Compiles `expect.schema` (schema.ts's compileSchema, loaded only when a case has a schema). */
export type SchemaCompiler = (schema: unknown, at: string) => SchemaCheck;

export type ValueExpectation =
  | { path: string; segments: PathSegment[]; kind: 'equals'; expected: unknown; tolerance?: number }
  | { path: string; segments: PathSegment[]; kind: 'matches'; pattern: RegExp };

export interface CaseFileProblem {
  file: string;
  /** The field at fault, e.g. `expect.values[1].tolerance`; empty when the whole file is unreadable. */
  field: string;
  problem: string;
}

/** The case file format, for errors a model repository's maintainer reads far from this repository. */
export const CASE_FORMAT_URL = 'https://github.com/modelship/modelship/blob/v1/docs/smoke-test-endpoint.md';

/** Every problem found in the case files, so one run reports all of them. */
export class CaseFileError extends ActionError {
  constructor(readonly problems: CaseFileProblem[]) {
    super(
      `${problems.length} case file problem(s):\n` +
        problems.map((entry) => `  ${formatProblem(entry)}`).join('\n') +
        `\nFix the case file(s); the format is described in ${CASE_FORMAT_URL}.`
    );
    this.name = 'CaseFileError';
  }
}

export function formatProblem({ file, field, problem }: CaseFileProblem): string {
  return field ? `${file}: ${field}: ${problem}` : `${file}: ${problem}`;
}

/** A problem at one field, thrown while a file is read and collected by loadCases. */
class FieldProblem extends Error {
  constructor(
    readonly field: string,
    problem: string
  ) {
    super(problem);
  }
}

const TOP_LEVEL = ['name', 'request', 'expect', 'description'];
const REQUEST_FIELDS = ['contentType', 'accept', 'body', 'bodyFile', 'targetVariant', 'customAttributes'];
const EXPECT_FIELDS = ['status', 'maxLatencyMs', 'values', 'schema'];
const VALUE_FIELDS = ['path', 'equals', 'tolerance', 'matches'];

/** Reads and validates case files (paths relative to `workspace`); throws CaseFileError listing every problem. */
export async function loadCases(files: readonly string[], workspace: string): Promise<SmokeCase[]> {
  const problems: CaseFileProblem[] = [];
  const failed = (file: string, error: unknown) =>
    problems.push({
      file,
      field: error instanceof FieldProblem ? error.field : '',
      problem: (error as Error).message
    });
  // The YAML parser and the schema compiler are loaded only when a case needs them: both cost start-up time.
  const yaml = files.some(isYaml) ? await import('yaml') : undefined;
  const documents: { file: string; document: unknown }[] = [];
  for (const file of files) {
    try {
      documents.push({ file, document: readDocument(file, workspace, yaml?.parse) });
    } catch (error) {
      failed(file, error);
    }
  }
  const compile = documents.some(({ document }) => hasSchema(document))
    ? (await import('./schema.js')).compileSchema
    : undefined;
  const cases: SmokeCase[] = [];
  for (const { file, document } of documents) {
    try {
      const caseDir = dirname(join(workspace, file));
      cases.push(parseCase(document, file, (bodyFile) => readFileSync(join(caseDir, bodyFile)), compile));
    } catch (error) {
      failed(file, error);
    }
  }
  if (problems.length > 0) throw new CaseFileError(problems);
  return cases;
}

const isYaml = (file: string) => ['.yaml', '.yml'].includes(extname(file).toLowerCase());

function readDocument(file: string, workspace: string, parseYaml: YamlParser | undefined): unknown {
  let text: string;
  try {
    text = readFileSync(join(workspace, file), 'utf8');
  } catch (error) {
    throw new FieldProblem('', `cannot be read: ${(error as Error).message}`);
  }
  return isYaml(file) && parseYaml ? parseYamlDocument(text, parseYaml) : parseJsonDocument(text);
}

type YamlParser = (text: string, options: { prettyErrors: boolean }) => unknown;

function hasSchema(document: unknown): boolean {
  const expect = (document as { expect?: unknown } | null)?.expect;
  return expect !== null && typeof expect === 'object' && 'schema' in expect;
}

function parseYamlDocument(text: string, parseYaml: YamlParser): unknown {
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new FieldProblem(
      '',
      `is not valid YAML: ${(error as Error).message.split('\n')[0]!.replace(/:$/, '')}`
    );
  }
}

function parseJsonDocument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FieldProblem('', `is not valid JSON: ${(error as Error).message}`);
  }
}

/** Validates a parsed case document; `readBodyFile` reads `request.bodyFile` relative to the case file. */
export function parseCase(
  document: unknown,
  file: string,
  readBodyFile: (path: string) => Buffer,
  compileSchema?: SchemaCompiler
): SmokeCase {
  const root = record(document, '', 'the file must hold one case: an object with request and expect');
  onlyFields(root, TOP_LEVEL, '');
  const name = optionalString(root, 'name', '') ?? file;
  optionalString(root, 'description', '');
  return {
    file,
    name,
    request: parseRequest(required(root, 'request', ''), readBodyFile),
    expect: parseExpect(required(root, 'expect', ''), compileSchema)
  };
}

function parseRequest(value: unknown, readBodyFile: (path: string) => Buffer): SmokeRequest {
  const request = record(value, 'request', 'must be an object');
  onlyFields(request, REQUEST_FIELDS, 'request');
  const hasBody = 'body' in request;
  const bodyFile = optionalString(request, 'bodyFile', 'request');
  if (hasBody === (bodyFile !== undefined)) {
    throw new FieldProblem(
      'request',
      'give exactly one of body (inline) or bodyFile (a path next to the case file)'
    );
  }
  let body: Buffer;
  if (bodyFile !== undefined) {
    try {
      body = readBodyFile(bodyFile);
    } catch (error) {
      throw new FieldProblem('request.bodyFile', `cannot read '${bodyFile}': ${(error as Error).message}`);
    }
  } else {
    const inline = request['body'];
    body = Buffer.from(typeof inline === 'string' ? inline : JSON.stringify(inline));
  }
  const accept = optionalString(request, 'accept', 'request');
  const targetVariant = optionalString(request, 'targetVariant', 'request');
  const customAttributes = optionalString(request, 'customAttributes', 'request');
  return {
    contentType: optionalString(request, 'contentType', 'request') ?? 'application/json',
    body,
    ...(accept !== undefined && { accept }),
    ...(targetVariant !== undefined && { targetVariant }),
    ...(customAttributes !== undefined && { customAttributes })
  };
}

function parseExpect(value: unknown, compileSchema: SchemaCompiler | undefined): Expectations {
  const expect = record(value, 'expect', 'must be an object');
  onlyFields(expect, EXPECT_FIELDS, 'expect');
  const status = expect['status'] ?? 200;
  if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) {
    throw new FieldProblem('expect.status', `${JSON.stringify(status)} is not an HTTP status code (100-599)`);
  }
  const maxLatencyMs = expect['maxLatencyMs'];
  if (maxLatencyMs !== undefined && (typeof maxLatencyMs !== 'number' || !(maxLatencyMs > 0))) {
    throw new FieldProblem(
      'expect.maxLatencyMs',
      `${JSON.stringify(maxLatencyMs)} is not a positive number of milliseconds`
    );
  }
  const values = expect['values'] ?? [];
  if (!Array.isArray(values))
    throw new FieldProblem('expect.values', 'must be a list of {path, equals|matches}');
  const schema = expect['schema'] === undefined ? undefined : checkOf(expect['schema'], compileSchema);
  return {
    status: status as number,
    values: values.map((entry, index) => parseValue(entry, `expect.values[${index}]`)),
    ...(maxLatencyMs !== undefined && { maxLatencyMs: maxLatencyMs }),
    ...(schema !== undefined && { schema })
  };
}

function checkOf(schema: unknown, compileSchema: SchemaCompiler | undefined): SchemaCheck {
  if (compileSchema === undefined)
    throw new Error('expect.schema was given but no schema compiler was loaded');
  try {
    return compileSchema(schema, 'expect.schema');
  } catch (error) {
    const field = (error as { field?: unknown }).field;
    throw new FieldProblem(typeof field === 'string' ? field : 'expect.schema', (error as Error).message);
  }
}

function parseValue(value: unknown, at: string): ValueExpectation {
  const entry = record(value, at, 'must be an object with path and equals or matches');
  onlyFields(entry, VALUE_FIELDS, at);
  const path = optionalString(entry, 'path', at);
  if (path === undefined) throw new FieldProblem(`${at}.path`, "is required, e.g. '$.predictions[0]'");
  let segments: PathSegment[];
  try {
    segments = parseJsonPath(path);
  } catch (error) {
    throw new FieldProblem(`${at}.path`, (error as Error).message);
  }
  const hasEquals = 'equals' in entry;
  const matches = entry['matches'];
  if (hasEquals === (matches !== undefined)) {
    throw new FieldProblem(at, 'give exactly one of equals (a value) or matches (a regular expression)');
  }
  if (matches !== undefined) {
    if ('tolerance' in entry) throw new FieldProblem(`${at}.tolerance`, 'applies to a numeric equals only');
    if (typeof matches !== 'string')
      throw new FieldProblem(`${at}.matches`, 'must be a regular expression string');
    try {
      return { path, segments, kind: 'matches', pattern: new RegExp(matches, 'u') };
    } catch (error) {
      throw new FieldProblem(`${at}.matches`, (error as Error).message);
    }
  }
  const expected = entry['equals'];
  const tolerance = entry['tolerance'];
  if (tolerance !== undefined) {
    if (typeof tolerance !== 'number' || !(tolerance >= 0)) {
      throw new FieldProblem(`${at}.tolerance`, `${JSON.stringify(tolerance)} is not a number of 0 or more`);
    }
    if (!containsNumber(expected)) {
      throw new FieldProblem(`${at}.tolerance`, 'applies only when equals is a number (or holds numbers)');
    }
  }
  return { path, segments, kind: 'equals', expected, ...(tolerance !== undefined && { tolerance }) };
}

function containsNumber(value: unknown): boolean {
  if (typeof value === 'number') return true;
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsNumber);
  return false;
}

function record(value: unknown, field: string, problem: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new FieldProblem(field, problem);
  return value as Record<string, unknown>;
}

function required(parent: Record<string, unknown>, name: string, at: string): unknown {
  if (!(name in parent)) throw new FieldProblem(fieldPath(at, name), 'is required');
  return parent[name];
}

function optionalString(parent: Record<string, unknown>, name: string, at: string): string | undefined {
  const value = parent[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new FieldProblem(fieldPath(at, name), `must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function onlyFields(value: Record<string, unknown>, allowed: readonly string[], at: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new FieldProblem(fieldPath(at, key), `unknown field (allowed here: ${allowed.join(', ')})`);
    }
  }
}

function fieldPath(at: string, name: string): string {
  return at ? `${at}.${name}` : name;
}
