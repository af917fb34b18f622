import {
  getBoolean,
  getEnum,
  getKeyValues,
  getList,
  getNumber,
  getOptionalString,
  getString,
  type InputReader
} from '../../../src/lib/inputs.js';
import { InputError } from '../../../src/lib/errors.js';

const reader =
  (values: Record<string, string>): InputReader =>
  (name) =>
    values[name] ?? '';

describe('getString', () => {
  it('trims and falls back to the default', () => {
    expect(getString(reader({ a: '  x ' }), 'a')).toBe('x');
    expect(getString(reader({}), 'a', { default: 'd' })).toBe('d');
    expect(getOptionalString(reader({ a: '   ' }), 'a')).toBeUndefined();
  });

  it('names the input when a required one is empty', () => {
    expect(() => getString(reader({}), 'stack-name', { required: true })).toThrow(
      "Input 'stack-name': is required but was empty"
    );
  });
});

describe('getBoolean', () => {
  it.each([
    ['true', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['', true]
  ])('reads %p as %p (default true)', (raw, expected) => {
    expect(getBoolean(reader({ flag: raw }), 'flag', true)).toBe(expected);
  });

  it('rejects other words with the allowed values in the message', () => {
    expect(() => getBoolean(reader({ flag: 'maybe' }), 'flag', false)).toThrow(
      "Input 'flag': 'maybe' is not a boolean. Use 'true' or 'false'."
    );
  });
});

describe('getEnum', () => {
  it('matches case-insensitively and returns the canonical spelling', () => {
    expect(getEnum(reader({ m: 'immutable' }), 'm', ['MUTABLE', 'IMMUTABLE'] as const, 'MUTABLE')).toBe(
      'IMMUTABLE'
    );
  });

  it('lists what is allowed', () => {
    expect(() =>
      getEnum(reader({ m: 'sometimes' }), 'm', ['MUTABLE', 'IMMUTABLE'] as const, 'MUTABLE')
    ).toThrow('Use one of: MUTABLE, IMMUTABLE.');
  });
});

describe('getNumber', () => {
  it('parses numbers and applies bounds', () => {
    expect(getNumber(reader({ n: '2.5' }), 'n', undefined)).toBe(2.5);
    expect(getNumber(reader({}), 'n', 7)).toBe(7);
    expect(() => getNumber(reader({ n: '0' }), 'n', 1, { min: 1 })).toThrow('below the minimum of 1');
    expect(() => getNumber(reader({ n: '11' }), 'n', 1, { max: 10 })).toThrow('above the maximum of 10');
  });

  it('rejects text and fractions where a whole number is needed', () => {
    expect(() => getNumber(reader({ n: 'fast' }), 'n', 1)).toThrow("Input 'n': 'fast' is not a number");
    expect(() => getNumber(reader({ n: '1.5' }), 'n', 1, { integer: true })).toThrow('is not a whole number');
  });
});

describe('getList', () => {
  it('splits lines and commas, skipping blanks and comments', () => {
    expect(getList(reader({ tags: 'a, b\n\n# note\nc\n' }), 'tags')).toEqual(['a', 'b', 'c']);
  });

  it('keeps commas when asked to', () => {
    expect(getList(reader({ x: 'a,b\nc' }), 'x', { commas: false })).toEqual(['a,b', 'c']);
  });
});

describe('getKeyValues', () => {
  it('keeps values with = and spaces; a later key wins', () => {
    const pairs = getKeyValues(reader({ args: 'A=1\nB = x=y z\nA=2' }), 'args');
    expect([...pairs]).toEqual([
      ['A', '2'],
      ['B', 'x=y z']
    ]);
  });

  it.each(['NOEQUALS', '=value', 'TWO WORDS=1'])('rejects %p naming the line', (line) => {
    let error: unknown;
    try {
      getKeyValues(reader({ 'build-args': `OK=1\n${line}` }), 'build-args');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain("Input 'build-args': line 2");
  });
});
