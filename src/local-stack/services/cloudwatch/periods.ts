import type { Bucket } from './metric-store.js';
import { combine, type SampleSummary } from './statistics.js';
import { invalidParameterValue } from './errors.js';

/** The samples of one period in one unit. */
export interface PeriodSummary {
  /** Start of the period, epoch milliseconds. */
  start: number;
  unit: string;
  summary: SampleSummary;
}

/**
 * Periods a query may ask for: 1, 5, 10 and 30 seconds (high-resolution data) or any multiple of 60,
 * as GetMetricStatistics and GetMetricData accept them.
 */
export function checkQueryPeriod(period: number, member: string): number {
  if ([1, 5, 10, 30].includes(period) || period % 60 === 0) return period;
  throw invalidParameterValue(
    `The parameter ${member} must be 1, 5, 10, 30 or a multiple of 60; ${period} is not.`
  );
}

/**
 * Where the first period starts: CloudWatch rounds a query's start down to a multiple of the period
 * (sub-minute periods) or to the minute, so periods line up with the data's own seconds and minutes.
 */
export function alignStart(start: number, periodSeconds: number): number {
  const unit = periodSeconds < 60 ? periodSeconds * 1000 : 60_000;
  return Math.floor(start / unit) * unit;
}

/** The buckets grouped into periods of `periodSeconds` from `start`, one summary per period and unit. */
export function summarizePeriods(
  buckets: readonly Bucket[],
  start: number,
  periodSeconds: number
): PeriodSummary[] {
  const periodMs = periodSeconds * 1000;
  const groups = new Map<string, { start: number; unit: string; buckets: Bucket[] }>();
  for (const bucket of buckets) {
    const periodStart = start + Math.floor((bucket.t - start) / periodMs) * periodMs;
    const key = `${periodStart} ${bucket.unit}`;
    const group = groups.get(key);
    if (group) group.buckets.push(bucket);
    else groups.set(key, { start: periodStart, unit: bucket.unit, buckets: [bucket] });
  }
  return [...groups.values()]
    .map((group) => ({ start: group.start, unit: group.unit, summary: combine(group.buckets)! }))
    .sort((a, b) => a.start - b.start || a.unit.localeCompare(b.unit));
}
