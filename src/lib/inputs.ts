import * as core from '@actions/core';
import { InputError } from './errors.js';

/** Reads a raw input the way the runner passes it (INPUT_<NAME>); injectable so parsers are testable. */
export type InputReader = (name: string) => string;

export const readActionInput: InputReader = (name) => core.getInput(name);

export interface StringOptions {
  required?: boolean;
  default?: string;
}

export function getString(read: InputReader, name: string, options: StringOptions = {}): string {
  const value = read(name).trim();
  if (value !== '') return value;
  if (options.required) {
    throw new InputError(name, 'is required but was empty', `Set '${name}' in the step's 'with:' block.`);
  }
  return options.default ?? '';
}

export function getOptionalString(read: InputReader, name: string): string | undefined {
  const value = read(name).trim();
  return value === '' ? undefined : value;
}

const TRUE_WORDS = ['true', 'True', 'TRUE', 'yes', 'on', '1'];
const FALSE_WORDS = ['false', 'False', 'FALSE', 'no', 'off', '0'];

export function getBoolean(read: InputReader, name: string, fallback: boolean): boolean {
  const value = read(name).trim();
  if (value === '') return fallback;
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  throw new InputError(name, `'${value}' is not a boolean`, "Use 'true' or 'false'.");
}

export function getEnum<T extends string>(
  read: InputReader,
  name: string,
  allowed: readonly T[],
  fallback: T
): T {
  const value = read(name).trim();
  if (value === '') return fallback;
  const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (match === undefined) {
    throw new InputError(name, `'${value}' is not allowed`, `Use one of: ${allowed.join(', ')}.`);
  }
  return match;
}

export interface NumberOptions {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function getNumber(
  read: InputReader,
  name: string,
  fallback: number | undefined,
  options: NumberOptions = {}
): number | undefined {
  const value = read(name).trim();
  if (value === '') return fallback;
  const parsed = Number(value);
  const kind = options.integer ? 'a whole number' : 'a number';
  if (!Number.isFinite(parsed) || (options.integer && !Number.isInteger(parsed))) {
    throw new InputError(
      name,
      `'${value}' is not ${kind}`,
      `Give ${kind}, for example '${options.min ?? 1}'.`
    );
  }
  if (options.min !== undefined && parsed < options.min) {
    throw new InputError(
      name,
      `${parsed} is below the minimum of ${options.min}`,
      `Use ${options.min} or more.`
    );
  }
  if (options.max !== undefined && parsed > options.max) {
    throw new InputError(
      name,
      `${parsed} is above the maximum of ${options.max}`,
      `Use ${options.max} or less.`
    );
  }
  return parsed;
}

/**
 * A list input: one item per line, or comma-separated on a line. Blank lines and lines starting with '#'
 * are skipped so users can comment long lists.
 */
export function getList(read: InputReader, name: string, options: { commas?: boolean } = {}): string[] {
  return parseList(read(name), options.commas ?? true);
}

export function parseList(raw: string, splitCommas = true): string[] {
  const items: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const parts = splitCommas ? trimmed.split(',') : [trimmed];
    for (const part of parts) {
      const item = part.trim();
      if (item !== '') items.push(item);
    }
  }
  return items;
}

/**
 * KEY=VALUE lines. The value may contain '=' and spaces; the key may not be empty. Order is kept and a
 * later line overrides an earlier one with the same key.
 */
export function getKeyValues(read: InputReader, name: string): Map<string, string> {
  return parseKeyValues(read(name), name);
}

export function parseKeyValues(raw: string, inputName: string): Map<string, string> {
  const pairs = new Map<string, string>();
  raw.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const separator = trimmed.indexOf('=');
    const key = separator > 0 ? trimmed.slice(0, separator).trim() : '';
    if (separator <= 0 || key === '' || /\s/.test(key)) {
      throw new InputError(
        inputName,
        `line ${index + 1} ('${trimmed}') is not a KEY=VALUE pair`,
        'Write one KEY=VALUE per line; the key may not be empty or contain spaces.'
      );
    }
    pairs.set(key, trimmed.slice(separator + 1).trim());
  });
  return pairs;
}
