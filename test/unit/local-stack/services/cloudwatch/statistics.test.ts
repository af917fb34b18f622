import {
  combine,
  parseStatistic,
  percentile,
  sampleSummary,
  statisticValue,
  MAX_DISTINCT_VALUES,
  type SampleSummary
} from '../../../../../src/local-stack/services/cloudwatch/statistics.js';
import { alignStart, summarizePeriods } from '../../../../../src/local-stack/services/cloudwatch/periods.js';
import {
  foldOldBuckets,
  HIGH_RESOLUTION_RETENTION_MS,
  RETENTION_MS,
  type Bucket
} from '../../../../../src/local-stack/services/cloudwatch/metric-store.js';

const samples = (...values: [number, number][]): SampleSummary =>
  combine(values.map(([value, count]) => sampleSummary(value, count)))!;

describe('CloudWatch statistics', () => {
  const latencies = samples([1, 50], [2, 30], [3, 19], [100, 1]);

  it.each([
    ['SampleCount', 100],
    ['Sum', 50 + 60 + 57 + 100],
    ['Average', 2.67],
    ['Minimum', 1],
    ['Maximum', 100],
    ['p0', 1],
    ['p50', 1],
    ['p51', 2],
    ['p80', 2],
    ['p81', 3],
    ['p99', 3],
    ['p99.5', 100],
    ['p100', 100]
  ])('%s over values with counts is %s', (name, expected) => {
    expect(statisticValue(latencies, parseStatistic(name, 'Stat'))).toBeCloseTo(expected, 2);
  });

  it('has no percentiles for samples published as a StatisticSet', () => {
    const set = combine([{ count: 4, sum: 10, min: 1, max: 4 }, sampleSummary(5)])!;
    expect(statisticValue(set, parseStatistic('p50', 'Stat'))).toBeUndefined();
    expect(statisticValue(set, parseStatistic('Average', 'Stat'))).toBe(3);
  });

  it('stops keeping values (and answering percentiles) past the distinct-value bound', () => {
    const many = combine(
      Array.from({ length: MAX_DISTINCT_VALUES + 1 }, (_, index) => sampleSummary(index))
    )!;
    expect(many.count).toBe(MAX_DISTINCT_VALUES + 1);
    expect(many.values).toBeUndefined();
  });

  it.each(['tm99', 'p101', 'P50', 'Median', 'p50.12345678901'])('refuses the statistic %s', (name) => {
    expect(() => parseStatistic(name, 'MetricStat.Stat')).toThrow(/MetricStat\.Stat/);
  });

  it('takes the nearest rank', () => {
    expect(
      percentile(
        [
          [10, 1],
          [20, 1],
          [30, 1],
          [40, 1]
        ],
        25
      )
    ).toBe(10);
    expect(
      percentile(
        [
          [10, 1],
          [20, 1],
          [30, 1],
          [40, 1]
        ],
        26
      )
    ).toBe(20);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('CloudWatch periods', () => {
  const at = (iso: string) => Date.parse(iso);
  it.each([
    ['2026-01-01T12:32:34Z', 60, '2026-01-01T12:32:00Z'],
    ['2026-01-01T12:32:34Z', 300, '2026-01-01T12:32:00Z'],
    ['2026-01-01T12:32:34Z', 10, '2026-01-01T12:32:30Z'],
    ['2026-01-01T12:32:34.900Z', 1, '2026-01-01T12:32:34Z']
  ])('a query from %s with period %s starts at %s', (start, period, expected) => {
    expect(new Date(alignStart(at(start), period)).toISOString()).toBe(new Date(expected).toISOString());
  });

  it('groups buckets by period and unit', () => {
    const start = at('2026-01-01T00:00:00Z');
    const bucket = (offsetSeconds: number, value: number, unit = 'Count'): Bucket => ({
      t: start + offsetSeconds * 1000,
      unit,
      ...sampleSummary(value)
    });
    const periods = summarizePeriods(
      [bucket(1, 1), bucket(9, 2), bucket(10, 4), bucket(12, 8, 'None')],
      start,
      10
    );
    expect(periods.map((period) => [period.start - start, period.unit, period.summary.sum])).toEqual([
      [0, 'Count', 3],
      [10000, 'Count', 4],
      [10000, 'None', 8]
    ]);
  });

  it('folds seconds older than three hours into minutes and drops what is older than fifteen days', () => {
    const now = at('2026-02-01T00:00:00Z');
    const old = now - HIGH_RESOLUTION_RETENTION_MS - 60 * 60_000;
    const bucket = (t: number, value: number): Bucket => ({ t, unit: 'Count', ...sampleSummary(value) });
    const folded = foldOldBuckets(
      [
        bucket(now - RETENTION_MS - 1000, 9),
        bucket(old + 1000, 1),
        bucket(old + 30_000, 2),
        bucket(now - 5000, 3)
      ],
      now
    );
    expect(folded.map((entry) => [entry.t, entry.sum, entry.count])).toEqual([
      [Math.floor(old / 60_000) * 60_000, 3, 2],
      [now - 5000, 3, 1]
    ]);
    // Folding again changes nothing.
    expect(foldOldBuckets(folded, now)).toEqual(folded);
  });
});
