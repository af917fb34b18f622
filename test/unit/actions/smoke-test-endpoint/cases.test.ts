import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseFileError, loadCases, parseCase } from '../../../../src/actions/smoke-test-endpoint/cases.js';

const VALID = {
  name: 'one patient',
  request: { contentType: 'application/json', body: { instances: [[1, 2]] } },
  expect: { status: 200, values: [{ path: '$.predictions[0]', equals: 230.9, tolerance: 0.01 }] }
};

const noBodyFile = () => {
  throw new Error('no such file');
};

async function problemOf(document: unknown): Promise<{ field: string; problem: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'smoke-cases-'));
  try {
    writeFileSync(join(dir, 'case.json'), JSON.stringify(document));
    await loadCases(['case.json'], dir);
  } catch (error) {
    expect(error).toBeInstanceOf(CaseFileError);
    const [problem] = (error as CaseFileError).problems;
    expect(problem?.file).toBe('case.json');
    return { field: problem!.field, problem: problem!.problem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('the case was accepted');
}

describe('case files', () => {
  it('reads the starter format: JSON body serialized, defaults for status and content type', () => {
    const parsed = parseCase(VALID, 'smoke/a.json', noBodyFile);
    expect(parsed.name).toBe('one patient');
    expect(parsed.request.body.toString()).toBe('{"instances":[[1,2]]}');
    expect(parsed.expect.values[0]).toMatchObject({
      kind: 'equals',
      expected: 230.9,
      tolerance: 0.01,
      segments: ['predictions', 0]
    });

    const minimal = parseCase({ request: { body: 'a,b\n' }, expect: {} }, 'smoke/b.json', noBodyFile);
    expect(minimal).toMatchObject({
      name: 'smoke/b.json',
      request: { contentType: 'application/json' },
      expect: { status: 200, values: [] }
    });
    expect(minimal.request.body.toString()).toBe('a,b\n');
  });

  it('reads YAML case files and bodies from files next to the case file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-cases-'));
    try {
      mkdirSync(join(dir, 'smoke'));
      writeFileSync(join(dir, 'smoke', 'rows.csv'), '1,2,3\n');
      writeFileSync(
        join(dir, 'smoke', 'csv.yaml'),
        [
          'name: rows from a file',
          'request:',
          '  contentType: text/csv',
          '  bodyFile: rows.csv',
          '  targetVariant: Blue',
          '  customAttributes: trace=1',
          'expect:',
          '  status: 200',
          '  maxLatencyMs: 500',
          '  values:',
          "    - { path: '$.label', matches: '^cat' }"
        ].join('\n')
      );
      const [loaded] = await loadCases(['smoke/csv.yaml'], dir);
      expect(loaded?.request).toMatchObject({
        contentType: 'text/csv',
        targetVariant: 'Blue',
        customAttributes: 'trace=1'
      });
      expect(loaded?.request.body.toString()).toBe('1,2,3\n');
      expect(loaded?.expect.maxLatencyMs).toBe(500);
      expect(loaded?.expect.values[0]).toMatchObject({ kind: 'matches', path: '$.label' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['a list instead of a case', [VALID], '', /one case/],
    ['a misspelt top-level field', { ...VALID, expects: {} }, 'expects', /unknown field/],
    ['no request', { expect: {} }, 'request', /required/],
    ['no expect', { request: VALID.request }, 'expect', /required/],
    [
      'both body and bodyFile',
      { ...VALID, request: { body: 'x', bodyFile: 'y' } },
      'request',
      /exactly one of body/
    ],
    [
      'neither body nor bodyFile',
      { ...VALID, request: { contentType: 'text/csv' } },
      'request',
      /exactly one of body/
    ],
    [
      'a missing body file',
      { ...VALID, request: { bodyFile: 'missing.csv' } },
      'request.bodyFile',
      /cannot read 'missing.csv'/
    ],
    [
      'a content type that is not a string',
      { ...VALID, request: { body: 'x', contentType: 5 } },
      'request.contentType',
      /non-empty string/
    ],
    [
      'a status that is not a status',
      { ...VALID, expect: { status: '200' } },
      'expect.status',
      /not an HTTP status/
    ],
    [
      'a negative latency',
      { ...VALID, expect: { maxLatencyMs: -1 } },
      'expect.maxLatencyMs',
      /positive number/
    ],
    ['values not a list', { ...VALID, expect: { values: {} } }, 'expect.values', /must be a list/],
    [
      'a value without a path',
      { ...VALID, expect: { values: [{ equals: 1 }] } },
      'expect.values[0].path',
      /required/
    ],
    [
      'a path without $',
      { ...VALID, expect: { values: [{ path: 'predictions[0]', equals: 1 }] } },
      'expect.values[0].path',
      /must start with '\$'/
    ],
    [
      'an unsupported path',
      { ...VALID, expect: { values: [{ path: '$.a[*]', equals: 1 }] } },
      'expect.values[0].path',
      /not a supported JSON path at '\[\*\]'/
    ],
    [
      'equals and matches together',
      { ...VALID, expect: { values: [{ path: '$', equals: 1, matches: 'x' }] } },
      'expect.values[0]',
      /exactly one of equals/
    ],
    [
      'a tolerance on a string',
      { ...VALID, expect: { values: [{ path: '$', equals: 'cat', tolerance: 1 }] } },
      'expect.values[0].tolerance',
      /applies only when equals is a number/
    ],
    [
      'a negative tolerance',
      { ...VALID, expect: { values: [{ path: '$', equals: 1, tolerance: -0.1 }] } },
      'expect.values[0].tolerance',
      /0 or more/
    ],
    [
      'a bad regular expression',
      { ...VALID, expect: { values: [{ path: '$', matches: '(' }] } },
      'expect.values[0].matches',
      /regular expression/i
    ],
    [
      'an invalid schema keyword',
      { ...VALID, expect: { schema: { oneOf: [] } } },
      'expect.schema.oneOf',
      /must NOT have fewer than 1 items/
    ],
    [
      'an unknown schema type',
      { ...VALID, expect: { schema: { properties: { a: { type: 'float' } } } } },
      'expect.schema.properties.a.type',
      /must be equal to one of the allowed values/
    ]
  ])('names the file and field for %s', async (_title, document, field, problem) => {
    const found = await problemOf(document);
    expect(found.field).toBe(field);
    expect(found.problem).toMatch(problem);
  });

  it('reports every broken file at once, and says where the JSON breaks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-cases-'));
    try {
      writeFileSync(join(dir, 'good.json'), JSON.stringify(VALID));
      writeFileSync(join(dir, 'broken.json'), '{"request": {');
      writeFileSync(join(dir, 'broken.yaml'), 'request: [unclosed\n');
      let thrown: unknown;
      try {
        await loadCases(['good.json', 'broken.json', 'broken.yaml'], dir);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(CaseFileError);
      const problems = (thrown as CaseFileError).problems;
      expect(problems.map((problem) => problem.file)).toEqual(['broken.json', 'broken.yaml']);
      expect(problems[0]?.problem).toMatch(/is not valid JSON/);
      expect(problems[1]?.problem).toMatch(/is not valid YAML/);
      expect((thrown as Error).message).toMatch(
        /broken\.json: is not valid JSON[\s\S]*docs\/smoke-test-endpoint\.md/
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
