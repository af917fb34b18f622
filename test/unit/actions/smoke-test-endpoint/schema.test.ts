import { compileSchema, SchemaError } from '../../../../src/actions/smoke-test-endpoint/schema.js';

const violations = (schema: unknown, value: unknown) =>
  compileSchema(schema, 'expect.schema')(value).map((violation) => `${violation.at}: ${violation.message}`);

describe('JSON Schema (draft 2020-12) for responses', () => {
  it.each([
    [{ type: 'integer' }, 3, []],
    [{ type: 'integer' }, 3.5, ['$: must be integer, got a number']],
    [{ type: ['string', 'null'] }, null, []],
    [{ type: 'object' }, [], ['$: must be object, got an array']],
    [{ enum: ['a', 'b'] }, 'c', ['$: must be one of ["a","b"], got "c"']],
    [{ const: { a: 1 } }, { a: 1 }, []],
    [{ minimum: 0, maximum: 1 }, 1.5, ['$: must be <= 1, got 1.5']],
    [{ exclusiveMinimum: 0 }, 0, ['$: must be > 0, got 0']],
    [
      { minLength: 2, pattern: '^a' },
      'b',
      ['$: must NOT have fewer than 2 characters, got "b"', '$: must match pattern "^a", got "b"']
    ],
    [{ minItems: 1 }, [], ['$: must NOT have fewer than 1 items']],
    [
      { additionalProperties: false, properties: { a: {} } },
      { a: 1, b: 2 },
      ['$.b: is not an allowed property']
    ],
    [
      { additionalProperties: { type: 'number' } },
      { 'a b': 'x' },
      ["$['a b']: must be number, got a string"]
    ],
    [{ properties: { a: { type: 'string' } } }, 'not an object', []]
  ])('%j against %j', (schema, value, messages) => {
    expect(violations(schema, value)).toEqual(messages);
  });

  it('follows $ref into $defs and checks oneOf', () => {
    const schema = {
      $defs: { score: { type: 'number', minimum: 0, maximum: 1 } },
      type: 'object',
      properties: {
        scores: { type: 'array', items: { $ref: '#/$defs/score' } },
        label: { oneOf: [{ type: 'string' }, { type: 'integer', minimum: 0 }] }
      }
    };
    expect(violations(schema, { scores: [0.2, 0.9], label: 'cat' })).toEqual([]);
    expect(violations(schema, { scores: [0.2, 1.5], label: 2 })).toEqual([
      '$.scores[1]: must be <= 1, got 1.5'
    ]);
    expect(violations(schema, { scores: [], label: true })).toEqual(
      expect.arrayContaining(['$.label: must match exactly one schema in oneOf, got true'])
    );
  });

  it.each([
    [{ $ref: '#/x' }, 'expect.schema', /can't resolve reference #\/x/],
    [{ items: { anyOf: [] } }, 'expect.schema.items.anyOf', /must NOT have fewer than 1 items/],
    [{ required: 'a' }, 'expect.schema.required', /must be array/],
    [{ minItems: -1 }, 'expect.schema.minItems', /must be >= 0/],
    [{ pattern: '(' }, 'expect.schema', /Invalid regular expression/],
    [{ tpye: 'string' }, 'expect.schema', /unknown keyword: "tpye"/],
    ['object', 'expect.schema', /must be a JSON Schema/]
  ])('refuses %j when the case is loaded, naming the field', (schema, field, message) => {
    let thrown: unknown;
    try {
      compileSchema(schema, 'expect.schema');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SchemaError);
    expect((thrown as SchemaError).field).toBe(field);
    expect((thrown as SchemaError).message).toMatch(message);
  });

  it('allows annotations, and format as an annotation', () => {
    expect(() =>
      compileSchema(
        {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          title: 't',
          description: 'd',
          type: 'null'
        },
        'expect.schema'
      )
    ).not.toThrow();
    expect(violations({ type: 'string', format: 'email' }, 'not an address')).toEqual([]);
  });
});
