import type { Dimension } from '@aws-sdk/client-cloudwatch';
import { wireMembers, wireText } from '../../wire/types.js';
import { invalidParameterValue, missingParameter } from './errors.js';

/**
 * Reads CloudWatch inputs as either protocol delivers them: JSON gives numbers, booleans and epoch
 * seconds; Query gives every value as a string and timestamps in ISO 8601.
 */

export function optionalString(value: unknown, member: string, maxLength = 255): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw invalidParameterValue(
      `The parameter ${member} must be a string of at most ${maxLength} characters.`
    );
  }
  return value;
}

export function requiredString(value: unknown, member: string, maxLength = 255): string {
  const text = optionalString(value, member, maxLength);
  if (text === undefined || text.length === 0) throw missingParameter(member);
  return text;
}

export function optionalNumber(value: unknown, member: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw invalidParameterValue(`The value ${wireText(value)} for parameter ${member} is not a number.`);
  }
  return number;
}

export function optionalInteger(value: unknown, member: string, minimum = 1): number | undefined {
  const number = optionalNumber(value, member);
  if (number === undefined) return undefined;
  if (!Number.isInteger(number) || number < minimum) {
    throw invalidParameterValue(
      `The value ${number} for parameter ${member} is not valid: it must be an integer of at least ${minimum}.`
    );
  }
  return number;
}

export function requiredInteger(value: unknown, member: string, minimum = 1): number {
  const number = optionalInteger(value, member, minimum);
  if (number === undefined) throw missingParameter(member);
  return number;
}

export function optionalBoolean(value: unknown, member: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidParameterValue(`The value ${wireText(value)} for parameter ${member} is not a boolean.`);
}

/** A timestamp: epoch seconds (JSON), or ISO 8601 / epoch seconds as text (Query). */
export function optionalTimestamp(value: unknown, member: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date =
    value instanceof Date
      ? value
      : typeof value === 'number'
        ? new Date(value * 1000)
        : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)
          ? new Date(Number(value) * 1000)
          : typeof value === 'string'
            ? new Date(value)
            : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw invalidParameterValue(
      `The value ${wireText(value)} for parameter ${member} is not a valid timestamp.`
    );
  }
  return date;
}

export function requiredTimestamp(value: unknown, member: string): Date {
  const date = optionalTimestamp(value, member);
  if (date === undefined) throw missingParameter(member);
  return date;
}

export function optionalList(value: unknown, member: string, max = Infinity): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value)) throw invalidParameterValue(`The parameter ${member} must be a list.`);
  if (value.length > max) {
    throw invalidParameterValue(`The collection ${member} must not have a size greater than ${max}.`);
  }
  return value;
}

export function stringList(value: unknown, member: string, max = Infinity): string[] {
  return optionalList(value, member, max).map((item, index) =>
    requiredString(item, `${member}.member.${index + 1}`, 1024)
  );
}

/** One of the values an enum of the model allows. */
export function optionalEnum<T extends string>(
  value: unknown,
  member: string,
  allowed: readonly T[]
): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidParameterValue(
      `The value ${wireText(value)} for parameter ${member} is not valid. Valid values: ${allowed.join(', ')}.`
    );
  }
  return value as T;
}

/** A metric's dimensions, at most 30, names unique; sorted by name so equal sets compare equal. */
export function dimensions(value: unknown, member: string): Dimension[] {
  const list = optionalList(value, member, 30).map((item, index) => {
    const { Name, Value } = wireMembers<Dimension>(item);
    const location = `${member}.member.${index + 1}`;
    return {
      Name: requiredString(Name, `${location}.Name`),
      Value: requiredString(Value, `${location}.Value`, 1024)
    };
  });
  const names = new Set(list.map((dimension) => dimension.Name));
  if (names.size !== list.length) {
    throw invalidParameterValue(`The collection ${member} must not have two dimensions with the same name.`);
  }
  return list.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

/** CloudWatch's StandardUnit values. */
export const UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None'
] as const;

export function optionalUnit(value: unknown, member: string): string | undefined {
  return optionalEnum(value, member, UNITS);
}

/** A namespace: 1 to 255 characters, not starting with a colon. */
export function namespace(value: unknown, member = 'Namespace'): string {
  const text = requiredString(value, member);
  if (text.startsWith(':')) {
    throw invalidParameterValue(`The value ${text} for parameter ${member} must not start with ':'.`);
  }
  return text;
}
