import { isRecord } from '../template/parse.js';
import { ResourceFailure } from './types.js';

export type PropertyKind = 'integer' | 'number' | 'boolean';

/**
 * Converts property values to the types a resource's schema declares. Templates often pass numbers and
 * booleans as strings (every parameter is a string), and CloudFormation converts them before calling the
 * service. Paths are dotted property names, `*` for any list item: `ProductionVariants.*.InitialInstanceCount`.
 */
export function coerceProperties(
  properties: Record<string, unknown>,
  kinds: Record<string, PropertyKind>,
  logicalId: string
): Record<string, unknown> {
  return coerce(properties, '', kinds, logicalId) as Record<string, unknown>;
}

function coerce(
  value: unknown,
  path: string,
  kinds: Record<string, PropertyKind>,
  logicalId: string
): unknown {
  const kind = kinds[path];
  if (kind !== undefined) return convert(value, kind, path, logicalId);
  if (Array.isArray(value)) return value.map((item) => coerce(item, join(path, '*'), kinds, logicalId));
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [key, coerce(member, join(path, key), kinds, logicalId)])
  );
}

function convert(value: unknown, kind: PropertyKind, path: string, logicalId: string): unknown {
  if (kind === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
  } else {
    const number =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : NaN;
    if (kind === 'integer' ? Number.isInteger(number) : Number.isFinite(number)) return number;
  }
  throw new ResourceFailure(
    `Properties validation failed for resource ${logicalId} with message: #/${path.replace(/\./g, '/')}: expected type: ${kind === 'boolean' ? 'Boolean' : kind === 'integer' ? 'Integer' : 'Number'}, found: ${JSON.stringify(value)}`
  );
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/** CloudFormation's message for a required property the template left out. */
export function requireProperties(
  properties: Record<string, unknown>,
  required: readonly string[],
  logicalId: string
): void {
  const missing = required.filter((name) => properties[name] === undefined);
  if (missing.length > 0) {
    throw new ResourceFailure(
      `Properties validation failed for resource ${logicalId} with message: #: required key [${missing.join(', ')}] not found`
    );
  }
}
