import { invalidParameterValue } from './errors.js';

/**
 * What is known about the samples of one stretch of time: count, sum, minimum, maximum, and the values
 * themselves (value → how many times) for percentiles. Samples published as a StatisticSet carry no
 * values, and neither does a summary that grew past MAX_DISTINCT_VALUES: its percentiles are unknown.
 */
export interface SampleSummary {
  count: number;
  sum: number;
  min: number;
  max: number;
  values?: [value: number, count: number][];
}

/** Distinct values kept per summary: a bound on memory that the local stack's traffic stays well below. */
export const MAX_DISTINCT_VALUES = 5000;

export const STANDARD_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type StandardStatistic = (typeof STANDARD_STATISTICS)[number];

/** A statistic as alarms and queries name it: a standard one, or a percentile (`p99`, `p99.9`). */
export type Statistic = { standard: StandardStatistic } | { percentile: number; name: string };

/** `p0` to `p100`, with up to ten decimals: CloudWatch's percentile syntax. */
const PERCENTILE = /^p(\d{1,2}(\.\d{1,10})?|100(\.0{1,10})?)$/;

export function parseStatistic(text: string, member: string): Statistic {
  if ((STANDARD_STATISTICS as readonly string[]).includes(text)) {
    return { standard: text as StandardStatistic };
  }
  return parseExtendedStatistic(text, member);
}

export function parseExtendedStatistic(text: string, member: string): Statistic {
  if (PERCENTILE.test(text)) return { percentile: Number(text.slice(1)), name: text };
  throw invalidParameterValue(
    `The value ${text} for parameter ${member} is not supported by the local stack: use SampleCount, ` +
      `Average, Sum, Minimum, Maximum or a percentile from p0 to p100 (p99, p99.9).`
  );
}

export function statisticName(statistic: Statistic): string {
  return 'standard' in statistic ? statistic.standard : statistic.name;
}

/** A summary of one sample (PutMetricData's Value, or one of its Values repeated Counts times). */
export function sampleSummary(value: number, count = 1): SampleSummary {
  return { count, sum: value * count, min: value, max: value, values: [[value, count]] };
}

/** Adds `addition` into `into`, keeping values while both have them and the total stays bounded. */
export function mergeInto(into: SampleSummary, addition: SampleSummary): void {
  into.count += addition.count;
  into.sum += addition.sum;
  into.min = Math.min(into.min, addition.min);
  into.max = Math.max(into.max, addition.max);
  if (!into.values || !addition.values) {
    delete into.values;
    return;
  }
  const counts = new Map(into.values);
  for (const [value, count] of addition.values) counts.set(value, (counts.get(value) ?? 0) + count);
  if (counts.size > MAX_DISTINCT_VALUES) delete into.values;
  else into.values = [...counts];
}

export function combine(summaries: readonly SampleSummary[]): SampleSummary | undefined {
  const [first, ...rest] = summaries;
  if (!first) return undefined;
  const total: SampleSummary = { ...first, ...(first.values && { values: [...first.values] }) };
  for (const summary of rest) mergeInto(total, summary);
  return total;
}

/** The statistic's value over a summary; undefined for a percentile whose values are unknown. */
export function statisticValue(summary: SampleSummary, statistic: Statistic): number | undefined {
  if ('percentile' in statistic) {
    return summary.values ? percentile(summary.values, statistic.percentile) : undefined;
  }
  switch (statistic.standard) {
    case 'SampleCount':
      return summary.count;
    case 'Average':
      return summary.count === 0 ? 0 : summary.sum / summary.count;
    case 'Sum':
      return summary.sum;
    case 'Minimum':
      return summary.min;
    case 'Maximum':
      return summary.max;
  }
}

/** The nearest-rank percentile: the smallest value at or below which `p` percent of the samples lie. */
export function percentile(values: readonly [number, number][], p: number): number | undefined {
  const sorted = [...values].sort(([a], [b]) => a - b);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [value, count] of sorted) {
    seen += count;
    if (seen >= rank) return value;
  }
  return sorted[sorted.length - 1]?.[0];
}
