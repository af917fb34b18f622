import { combinationName, expandStrategy } from '../../../src/runner/matrix.js';

describe('strategy.matrix', () => {
  it('expands include as GitHub documents it (extend without overwriting original values, else add)', () => {
    const { combinations, failFast } = expandStrategy(
      {
        matrix: {
          fruit: ['apple', 'pear'],
          animal: ['cat', 'dog'],
          include: [
            { color: 'green' },
            { color: 'pink', animal: 'cat' },
            { fruit: 'apple', shape: 'circle' },
            { fruit: 'banana' },
            { fruit: 'banana', animal: 'cat' }
          ]
        }
      },
      'test'
    );
    expect(failFast).toBe(true);
    expect(combinations).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' }
    ]);
  });

  it.each([
    [
      'exclude by a partial match, objects compared by value',
      {
        matrix: {
          os: ['linux', 'mac'],
          node: [{ v: 20 }, { v: 24 }],
          exclude: [{ node: { v: 20 }, os: 'mac' }]
        }
      },
      [
        { os: 'linux', node: { v: 20 } },
        { os: 'linux', node: { v: 24 } },
        { os: 'mac', node: { v: 24 } }
      ]
    ],
    ['include alone', { matrix: { include: [{ a: 1 }, { a: 2 }] } }, [{ a: 1 }, { a: 2 }]]
  ])('%s', (_name, strategy, expected) => {
    expect(expandStrategy(strategy, 'test').combinations).toEqual(expected);
  });

  it('honours fail-fast: false', () => {
    expect(expandStrategy({ 'fail-fast': false, matrix: { a: [1] } }, 'test').failFast).toBe(false);
  });

  it.each([
    [{ matrix: { a: [] } }, /Job 'test': matrix vector 'a' must be a non-empty list/],
    [{ matrix: { a: [1], exclude: [{ a: 1 }] } }, /Job 'test': its matrix has no combination left/],
    [{ matrix: 'a' }, /Job 'test': strategy.matrix must be a mapping/],
    [{ matrix: { a: [1], include: 'x' } }, /Job 'test': matrix.include must be a list of mappings/]
  ])('refuses %j naming the job', (strategy, message) => {
    expect(() => expandStrategy(strategy, 'test')).toThrow(message);
  });

  it('names a combination by its values', () => {
    expect(combinationName('test', { python: '3.12', os: 'linux', extra: { a: 1 } })).toBe(
      'test (3.12, linux, {"a":1})'
    );
  });
});
