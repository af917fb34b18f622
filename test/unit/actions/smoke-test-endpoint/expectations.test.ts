import { parseCase } from '../../../../src/actions/smoke-test-endpoint/cases.js';
import { checkAnswer, type Answer } from '../../../../src/actions/smoke-test-endpoint/expectations.js';
import { compileSchema } from '../../../../src/actions/smoke-test-endpoint/schema.js';

const noBodyFile = () => Buffer.alloc(0);

function caseExpecting(expect: Record<string, unknown>) {
  return parseCase({ request: { body: '{}' }, expect }, 'smoke/case.json', noBodyFile, compileSchema);
}

function answer(body: unknown, overrides: Partial<Answer> = {}): Answer {
  return {
    status: 200,
    contentType: 'application/json',
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    latencyMs: 12,
    ...overrides
  };
}

const PREDICTIONS = {
  predictions: [230.926371, 76.722424],
  label: 'progressing',
  meta: { model: 'gbr', version: 3 }
};

describe('checking an answer against a case', () => {
  it.each([
    ['exact number', { path: '$.predictions[0]', equals: 230.926371 }],
    ['number within tolerance', { path: '$.predictions[0]', equals: 230.93, tolerance: 0.01 }],
    ['negative index', { path: '$.predictions[-1]', equals: 76.72, tolerance: 0.01 }],
    ['a whole array within tolerance', { path: '$.predictions', equals: [230.9, 76.7], tolerance: 0.05 }],
    ['an object, key order ignored', { path: '$.meta', equals: { version: 3, model: 'gbr' } }],
    ['a string', { path: "$['label']", equals: 'progressing' }],
    ['a regular expression', { path: '$.label', matches: '^prog' }],
    ['a regular expression on a number', { path: '$.meta.version', matches: '^3$' }]
  ])('passes: %s', (_title, value) => {
    expect(checkAnswer(caseExpecting({ values: [value] }), answer(PREDICTIONS))).toEqual([]);
  });

  it.each([
    [
      'number outside tolerance',
      { path: '$.predictions[0]', equals: 231, tolerance: 0.01 },
      '$.predictions[0]: expected 231 ± 0.01, got 230.926371 (off by -0.073629)'
    ],
    [
      'exact number',
      { path: '$.predictions[1]', equals: 76 },
      '$.predictions[1]: expected 76, got 76.722424 (off by 0.722424)'
    ],
    ['string', { path: '$.label', equals: 'stable' }, '$.label: expected "stable", got "progressing"'],
    ['type', { path: '$.label', equals: 1 }, '$.label: expected 1, got "progressing"'],
    ['missing member', { path: '$.score', equals: 1 }, "$.score: not found ($ has no member 'score')"],
    [
      'index past the end',
      { path: '$.predictions[5]', equals: 1 },
      '$.predictions[5]: not found ($.predictions has 2 item(s), no index 5)'
    ],
    [
      'indexing an object',
      { path: '$.meta[0]', equals: 1 },
      '$.meta[0]: not found ($.meta is an object, not an array)'
    ],
    [
      'regular expression',
      { path: '$.label', matches: '^stable$' },
      '$.label: expected to match /^stable$/, got "progressing"'
    ]
  ])('fails with a readable message: %s', (_title, value, message) => {
    const mismatches = checkAnswer(caseExpecting({ values: [value] }), answer(PREDICTIONS));
    expect(mismatches).toEqual([{ check: 'value', message }]);
  });

  it('shows a line diff when a structured value differs', () => {
    const [mismatch] = checkAnswer(
      caseExpecting({ values: [{ path: '$.meta', equals: { model: 'gbr', version: 4 } }] }),
      answer(PREDICTIONS)
    );
    expect(mismatch?.message).toBe('$.meta: the answer differs from the expected value');
    expect(mismatch?.diff).toBe(
      ['  {', '    "model": "gbr",', '-   "version": 4', '+   "version": 3', '  }'].join('\n')
    );
  });

  it('checks the status first, and only the status when it differs', () => {
    const smokeCase = caseExpecting({ status: 200, values: [{ path: '$.predictions[0]', equals: 1 }] });
    const mismatches = checkAnswer(
      smokeCase,
      answer({ error: 'row 0: expected 10 numbers' }, { status: 400 })
    );
    expect(mismatches).toEqual([
      { check: 'status', message: 'status: expected 200, got 400: {"error":"row 0: expected 10 numbers"}' }
    ]);
  });

  it('passes an expected error status and checks the error body', () => {
    const smokeCase = caseExpecting({
      status: 400,
      values: [{ path: '$.error', matches: 'expected 10 numbers' }]
    });
    expect(checkAnswer(smokeCase, answer({ error: 'row 0: expected 10 numbers' }, { status: 400 }))).toEqual(
      []
    );
  });

  it('fails a slow answer and a body that is not JSON when values are expected', () => {
    const smokeCase = caseExpecting({ maxLatencyMs: 10, values: [{ path: '$', equals: 1 }] });
    const mismatches = checkAnswer(smokeCase, answer('230.9,76.7\n', { contentType: 'text/csv' }));
    expect(mismatches).toEqual([
      { check: 'latency', message: "latency: 12.0 ms is over the case's maxLatencyMs of 10" },
      { check: 'body', message: 'body: the answer is not JSON (text/csv): 230.9,76.7' }
    ]);
  });

  it('accepts any body when nothing about it is expected', () => {
    expect(checkAnswer(caseExpecting({}), answer('230.9\n', { contentType: 'text/csv' }))).toEqual([]);
  });

  it('reports each schema violation with where it is', () => {
    const smokeCase = caseExpecting({
      schema: {
        type: 'object',
        required: ['predictions', 'model'],
        properties: { predictions: { type: 'array', maxItems: 1, items: { type: 'number', minimum: 100 } } }
      }
    });
    expect(checkAnswer(smokeCase, answer(PREDICTIONS)).map((mismatch) => mismatch.message)).toEqual([
      "schema: $: must have required property 'model'",
      'schema: $.predictions: must NOT have more than 1 items',
      'schema: $.predictions[1]: must be >= 100, got 76.722424'
    ]);
  });
});
