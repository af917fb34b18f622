import { describeType } from './json-path.js';

/**
 * A small JSON Schema validator for response checks: the keywords a smoke test needs (type, properties,
 * required, additionalProperties, items, enum, const, minimum, maximum, exclusiveMinimum,
 * exclusiveMaximum, minItems, maxItems, minLength, maxLength, pattern). Any other keyword is refused when
 * the case file is loaded (checkSchema), so a schema never passes because a keyword was silently ignored.
 */
export type JsonSchema = Record<string, unknown>;

export interface SchemaViolation {
  /** Where in the response, as a JSON path. */
  at: string;
  message: string;
}

const TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;
const ANNOTATIONS = ['$schema', '$id', 'title', 'description', 'examples', 'default', '$comment'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];
const COUNT_KEYWORDS = ['minItems', 'maxItems', 'minLength', 'maxLength'];
const KEYWORDS = [
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'pattern',
  ...NUMBER_KEYWORDS,
  ...COUNT_KEYWORDS
];

/** Checks that a schema uses only supported keywords, correctly; throws naming the offending location. */
export function checkSchema(schema: unknown, at: string): void {
  if (typeof schema === 'boolean') return;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new Error(`${at} must be a JSON Schema object`);
  }
  for (const [keyword, value] of Object.entries(schema as Record<string, unknown>)) {
    const where = `${at}.${keyword}`;
    if (ANNOTATIONS.includes(keyword)) continue;
    if (!KEYWORDS.includes(keyword)) {
      throw new Error(`${where}: keyword not supported (supported: ${KEYWORDS.join(', ')})`);
    }
    if (keyword === 'type') {
      const types = Array.isArray(value) ? value : [value];
      for (const type of types) {
        if (!TYPES.includes(type as (typeof TYPES)[number])) {
          throw new Error(`${where}: '${String(type)}' is not a JSON Schema type (${TYPES.join(', ')})`);
        }
      }
    } else if (keyword === 'properties') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new Error(`${where} must be an object of schemas`);
      }
      for (const [name, child] of Object.entries(value)) checkSchema(child, `${where}.${name}`);
    } else if (keyword === 'items' || keyword === 'additionalProperties') {
      checkSchema(value, where);
    } else if (keyword === 'required') {
      if (!Array.isArray(value) || value.some((name) => typeof name !== 'string')) {
        throw new Error(`${where} must be a list of property names`);
      }
    } else if (keyword === 'enum') {
      if (!Array.isArray(value)) throw new Error(`${where} must be a list of values`);
    } else if (keyword === 'pattern') {
      if (typeof value !== 'string') throw new Error(`${where} must be a regular expression string`);
      try {
        new RegExp(value, 'u');
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`);
      }
    } else if (NUMBER_KEYWORDS.includes(keyword)) {
      if (typeof value !== 'number') throw new Error(`${where} must be a number`);
    } else if (COUNT_KEYWORDS.includes(keyword)) {
      if (!Number.isInteger(value) || (value as number) < 0) {
        throw new Error(`${where} must be a whole number of 0 or more`);
      }
    }
  }
}

/** Validates a value against a schema checked by checkSchema; returns every violation found. */
export function validateSchema(value: unknown, schema: unknown, at = '$'): SchemaViolation[] {
  if (schema === true) return [];
  if (schema === false) return [{ at, message: 'no value is allowed here' }];
  const rules = schema as JsonSchema;
  const violations: SchemaViolation[] = [];
  const fail = (message: string) => violations.push({ at, message });

  if (rules['type'] !== undefined) {
    const types = (Array.isArray(rules['type']) ? rules['type'] : [rules['type']]) as string[];
    if (!types.some((type) => hasType(value, type))) {
      fail(`expected ${types.join(' or ')}, got ${describeType(value)}`);
      return violations;
    }
  }
  if (Array.isArray(rules['enum']) && !rules['enum'].some((option) => deepEqual(option, value))) {
    fail(`expected one of ${JSON.stringify(rules['enum'])}, got ${JSON.stringify(value)}`);
  }
  if ('const' in rules && !deepEqual(rules['const'], value)) {
    fail(`expected ${JSON.stringify(rules['const'])}, got ${JSON.stringify(value)}`);
  }
  if (typeof value === 'number') checkNumber(value, rules, fail);
  if (typeof value === 'string') checkString(value, rules, fail);
  if (Array.isArray(value)) {
    checkCount(value.length, rules['minItems'], rules['maxItems'], 'item', fail);
    if (rules['items'] !== undefined) {
      value.forEach((item, index) =>
        violations.push(...validateSchema(item, rules['items'], `${at}[${index}]`))
      );
    }
  } else if (value !== null && typeof value === 'object') {
    violations.push(...checkObject(value as Record<string, unknown>, rules, at));
  }
  return violations;
}

function checkNumber(value: number, rules: JsonSchema, fail: (message: string) => void): void {
  const bound = (keyword: string) => rules[keyword] as number | undefined;
  const minimum = bound('minimum');
  const maximum = bound('maximum');
  const exclusiveMinimum = bound('exclusiveMinimum');
  const exclusiveMaximum = bound('exclusiveMaximum');
  if (minimum !== undefined && value < minimum) fail(`${value} is less than the minimum ${minimum}`);
  if (maximum !== undefined && value > maximum) fail(`${value} is more than the maximum ${maximum}`);
  if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) {
    fail(`${value} is not more than ${exclusiveMinimum}`);
  }
  if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) {
    fail(`${value} is not less than ${exclusiveMaximum}`);
  }
}

function checkString(value: string, rules: JsonSchema, fail: (message: string) => void): void {
  checkCount([...value].length, rules['minLength'], rules['maxLength'], 'character', fail);
  const pattern = rules['pattern'];
  if (typeof pattern === 'string' && !new RegExp(pattern, 'u').test(value)) {
    fail(`${JSON.stringify(value)} does not match /${pattern}/`);
  }
}

function checkCount(
  count: number,
  min: unknown,
  max: unknown,
  unit: string,
  fail: (message: string) => void
): void {
  if (typeof min === 'number' && count < min) fail(`has ${count} ${unit}(s), at least ${min} expected`);
  if (typeof max === 'number' && count > max) fail(`has ${count} ${unit}(s), at most ${max} expected`);
}

function checkObject(value: Record<string, unknown>, rules: JsonSchema, at: string): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  const properties = (rules['properties'] ?? {}) as Record<string, unknown>;
  for (const name of (rules['required'] ?? []) as string[]) {
    if (!(name in value)) violations.push({ at, message: `required property '${name}' is missing` });
  }
  for (const [name, member] of Object.entries(value)) {
    const where = /^[A-Za-z_$][\w$-]*$/.test(name) ? `${at}.${name}` : `${at}['${name}']`;
    if (name in properties) violations.push(...validateSchema(member, properties[name], where));
    else if (rules['additionalProperties'] !== undefined) {
      violations.push(...validateSchema(member, rules['additionalProperties'], where));
    }
  }
  return violations;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

export function deepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  const leftKeys = Object.keys(left);
  const rightKeys = Object.keys(right);
  if (leftKeys.length !== rightKeys.length) return false;
  return leftKeys.every(
    (key) =>
      Object.prototype.hasOwnProperty.call(right, key) &&
      deepEqual((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key])
  );
}
