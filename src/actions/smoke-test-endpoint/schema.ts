import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { describeType } from './json-path.js';

/**
 * Response schemas: JSON Schema draft 2020-12 in full (`$ref`, `$defs`, `oneOf`, …) through Ajv. Ajv's
 * strict mode refuses unknown keywords when the case file is loaded, so a schema never passes because a
 * keyword was silently ignored. `format` stays an annotation, as the draft's default vocabulary has it.
 * This module is imported only when a case has a schema: Ajv is costly to load.
 */
export type JsonSchema = Record<string, unknown> | boolean;

export interface SchemaViolation {
  /** Where in the response, as a JSON path. */
  at: string;
  message: string;
}

/** A compiled schema: every violation of a response. */
export type SchemaCheck = (value: unknown) => SchemaViolation[];

/** A schema that cannot be used, with the field of the case at fault (e.g. `expect.schema.items.anyOf`). */
export class SchemaError extends Error {
  constructor(
    readonly field: string,
    message: string
  ) {
    super(message);
    this.name = 'SchemaError';
  }
}

const ajv = new Ajv2020({ allErrors: true, verbose: true, validateFormats: false });

/** Checks a schema against the draft's meta-schema and compiles it; throws SchemaError naming the field. */
export function compileSchema(schema: unknown, at: string): SchemaCheck {
  if (
    typeof schema !== 'boolean' &&
    (schema === null || typeof schema !== 'object' || Array.isArray(schema))
  ) {
    throw new SchemaError(at, 'must be a JSON Schema (an object or a boolean)');
  }
  if (!ajv.validateSchema(schema)) {
    const [first] = ajv.errors ?? [];
    throw new SchemaError(fieldOf(at, first?.instancePath ?? ''), first?.message ?? 'is not a valid schema');
  }
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new SchemaError(at, (error as Error).message);
  }
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map(violationOf));
}

function violationOf(error: ErrorObject): SchemaViolation {
  const at = jsonPathOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return { at, message: `${error.message}, got ${describeType(error.data)}` };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(params['additionalProperty'] ?? params['unevaluatedProperty']);
      return { at: jsonPathOf(`${error.instancePath}/${name}`), message: 'is not an allowed property' };
    }
    case 'enum':
      return {
        at,
        message: `must be one of ${JSON.stringify(params['allowedValues'])}, got ${JSON.stringify(error.data)}`
      };
    case 'const':
      return {
        at,
        message: `must be ${JSON.stringify(params['allowedValue'])}, got ${JSON.stringify(error.data)}`
      };
    default: {
      const data = error.data;
      const shown = data !== null && typeof data === 'object' ? '' : `, got ${JSON.stringify(data)}`;
      return { at, message: `${error.message ?? error.keyword}${shown}` };
    }
  }
}

/** `/predictions/1/a b` → `$.predictions[1]['a b']`, the path style the rest of the report uses. */
function jsonPathOf(pointer: string): string {
  let path = '$';
  for (const segment of segmentsOf(pointer)) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) path += `.${segment}`;
    else path += `['${segment}']`;
  }
  return path;
}

function fieldOf(at: string, pointer: string): string {
  return [at, ...segmentsOf(pointer)].join('.');
}

function segmentsOf(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}
