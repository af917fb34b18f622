import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ActionError } from '../../lib/errors.js';
import { parseJsonPath, type PathSegment } from './json-path.js';
import { checkSchema, type JsonSchema } from './schema.js';

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
  schema?: JsonSchema;
}

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
export function loadCases(files: readonly string[], workspace: string): SmokeCase[] {
  const cases: SmokeCase[] = [];
  const problems: CaseFileProblem[] = [];
  for (const file of files) {
    try {
      cases.push(readCase(file, workspace));
    } catch (error) {
      const field = error instanceof FieldProblem ? error.field : '';
      problems.push({ file, field, problem: (error as Error).message });
    }
  }
  if (problems.length > 0) throw new CaseFileError(problems);
  return cases;
}

function readCase(file: string, workspace: string): SmokeCase {
  const path = join(workspace, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FieldProblem('', `cannot be read: ${(error as Error).message}`);
  }
  return parseCase(parseDocument(text, extname(file).toLowerCase()), file, (bodyFile) =>
    readFileSync(join(dirname(path), bodyFile))
  );
}

function parseDocument(text: string, extension: string): unknown {
  if (extension === '.yaml' || extension === '.yml') {
    try {
      return parseYaml(text, { prettyErrors: true });
    } catch (error) {
      throw new FieldProblem(
        '',
        `is not valid YAML: ${(error as Error).message.split('\n')[0]!.replace(/:$/, '')}`
      );
    }
  }
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
  readBodyFile: (path: string) => Buffer
): SmokeCase {
  const root = record(document, '', 'the file must hold one case: an object with request and expect');
  onlyFields(root, TOP_LEVEL, '');
  const name = optionalString(root, 'name', '') ?? file;
  optionalString(root, 'description', '');
  return {
    file,
    name,
    request: parseRequest(required(root, 'request', ''), readBodyFile),
    expect: parseExpect(required(root, 'expect', ''))
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

function parseExpect(value: unknown): Expectations {
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
  const schema = expect['schema'];
  if (schema !== undefined) {
    try {
      checkSchema(schema, 'expect.schema');
    } catch (error) {
      throw new FieldProblem('expect.schema', (error as Error).message.replace(/^expect\.schema:? ?/, ''));
    }
  }
  return {
    status: status as number,
    values: values.map((entry, index) => parseValue(entry, `expect.values[${index}]`)),
    ...(maxLatencyMs !== undefined && { maxLatencyMs: maxLatencyMs as number }),
    ...(schema !== undefined && { schema: schema as JsonSchema })
  };
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
