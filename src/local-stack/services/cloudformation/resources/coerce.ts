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
  const coerce = (value: unknown, path: string, location: string): unknown => {
    const kind = kinds[path];
    if (kind !== undefined) return convert(value, kind, location, logicalId);
    if (Array.isArray(value)) {
      return value.map((item, index) => coerce(item, join(path, '*'), `${location}/${index}`));
    }
    if (!isRecord(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, member]) => [
        key,
        coerce(member, join(path, key), `${location}/${key}`)
      ])
    );
  };
  return coerce(properties, '', '#') as Record<string, unknown>;
}

/** `location` is the JSON pointer CloudFormation's validation messages use: `#/ProductionVariants/0/...`. */
function convert(value: unknown, kind: PropertyKind, location: string, logicalId: string): unknown {
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
    `Properties validation failed for resource ${logicalId} with message: ${location}: expected type: ${TYPE_NAMES[kind]}, found: ${JSON.stringify(value)}`
  );
}

const TYPE_NAMES: Record<PropertyKind, string> = { integer: 'Integer', number: 'Number', boolean: 'Boolean' };

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
