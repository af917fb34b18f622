import { checkSchema, validateSchema } from '../../../../src/actions/smoke-test-endpoint/schema.js';

describe('the JSON Schema subset', () => {
  it.each([
    [{ type: 'integer' }, 3, []],
    [{ type: 'integer' }, 3.5, ['$: expected integer, got a number']],
    [{ type: ['string', 'null'] }, null, []],
    [{ type: 'object' }, [], ['$: expected object, got an array']],
    [{ enum: ['a', 'b'] }, 'c', ['$: expected one of ["a","b"], got "c"']],
    [{ const: { a: 1 } }, { a: 1 }, []],
    [{ minimum: 0, maximum: 1 }, 1.5, ['$: 1.5 is more than the maximum 1']],
    [{ exclusiveMinimum: 0 }, 0, ['$: 0 is not more than 0']],
    [
      { minLength: 2, pattern: '^a' },
      'b',
      ['$: has 1 character(s), at least 2 expected', '$: "b" does not match /^a/']
    ],
    [{ minItems: 1 }, [], ['$: has 0 item(s), at least 1 expected']],
    [
      { additionalProperties: false, properties: { a: {} } },
      { a: 1, b: 2 },
      ['$.b: no value is allowed here']
    ],
    [
      { additionalProperties: { type: 'number' } },
      { 'a b': 'x' },
      ["$['a b']: expected number, got a string"]
    ],
    [{ properties: { a: { type: 'string' } } }, 'not an object', []]
  ])('%j against %j', (schema, value, messages) => {
    checkSchema(schema, 'expect.schema');
    expect(validateSchema(value, schema).map((violation) => `${violation.at}: ${violation.message}`)).toEqual(
      messages
    );
  });

  it.each([
    [{ $ref: '#/x' }, /expect\.schema\.\$ref: keyword not supported/],
    [{ items: { anyOf: [] } }, /expect\.schema\.items\.anyOf: keyword not supported/],
    [{ required: 'a' }, /expect\.schema\.required must be a list/],
    [{ minItems: -1 }, /expect\.schema\.minItems must be a whole number/],
    [{ pattern: '(' }, /expect\.schema\.pattern: Invalid regular expression/],
    ['object', /expect\.schema must be a JSON Schema object/]
  ])('refuses %j when the case is loaded', (schema, message) => {
    expect(() => checkSchema(schema, 'expect.schema')).toThrow(message);
  });

  it('allows annotations', () => {
    expect(() =>
      checkSchema({ $schema: 'x', title: 't', description: 'd', type: 'null' }, 'expect.schema')
    ).not.toThrow();
  });
});
