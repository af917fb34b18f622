import { percentile, summarizeLatencies } from '../../../../src/actions/smoke-test-endpoint/stats.js';

describe('percentiles (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, index) => index + 1);

  it.each([
    [hundred, 50, 50],
    [hundred, 95, 95],
    [hundred, 99, 99],
    [hundred, 100, 100],
    [[7], 50, 7],
    [[7], 99, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 1000], 95, 1000],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 1000], 90, 90]
  ])('of %j at p%d is %d', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('sorts before ranking and summarizes', () => {
    expect(summarizeLatencies([5, 1, 3, 2, 4])).toEqual({ p50: 3, p95: 5, p99: 5, min: 1, max: 5, mean: 3 });
    expect(summarizeLatencies([])).toBeUndefined();
  });
});
