import type { Dimension } from '@aws-sdk/client-cloudwatch';
import type { StateStore } from '../../state.js';
import { combine, mergeInto, type SampleSummary } from './statistics.js';

/** One metric: a namespace, a name and a set of dimensions (sorted by name). */
export interface MetricIdentity {
  Namespace: string;
  MetricName: string;
  Dimensions: Dimension[];
}

/** The samples of one second (or, once older than HIGH_RESOLUTION_RETENTION_MS, one minute) in one unit. */
export interface Bucket extends SampleSummary {
  /** Start of the second or minute, epoch milliseconds. */
  t: number;
  unit: string;
}

interface SeriesRecord extends MetricIdentity {
  buckets: Bucket[];
}

interface MetricsDocument {
  /** Region → series key → series. */
  regions: Record<string, Record<string, SeriesRecord>>;
}

/**
 * CloudWatch keeps sub-minute data for three hours, then one-minute aggregates for fifteen days; the local
 * stack does the same, which bounds what a busy endpoint leaves in the state.
 */
export const HIGH_RESOLUTION_RETENTION_MS = 3 * 60 * 60 * 1000;
export const RETENTION_MS = 15 * 24 * 60 * 60 * 1000;
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Datapoints by metric and region, in the account's state (written at most every few seconds). */
export class MetricStore {
  static readonly DOCUMENT = 'cloudwatch-metrics';
  private dirty = false;

  constructor(private readonly state: StateStore) {}

  private get document(): MetricsDocument {
    return this.state.document<MetricsDocument>(MetricStore.DOCUMENT, () => ({ regions: {} }));
  }

  private region(region: string): Record<string, SeriesRecord> {
    const regions = this.document.regions;
    return (regions[region] ??= Object.create(null) as Record<string, SeriesRecord>);
  }

  record(region: string, metric: MetricIdentity, at: Date, unit: string, samples: SampleSummary): void {
    const series = this.region(region);
    const key = seriesKey(metric);
    const record = (series[key] ??= { ...metric, buckets: [] });
    const t = Math.floor(at.getTime() / SECOND) * SECOND;
    // Datapoints mostly arrive in time order: search from the newest bucket.
    let index = record.buckets.length;
    while (index > 0 && record.buckets[index - 1]!.t > t) index--;
    const same = record.buckets
      .slice(0, index)
      .reverse()
      .find((bucket) => bucket.t === t && bucket.unit === unit);
    if (same) mergeInto(same, samples);
    else record.buckets.splice(index, 0, { t, unit, ...copy(samples) });
    this.dirty = true;
  }

  /** The buckets of one metric in [from, to), optionally of one unit only. */
  buckets(region: string, metric: MetricIdentity, from: number, to: number, unit?: string): Bucket[] {
    const record = this.region(region)[seriesKey(metric)];
    if (!record) return [];
    return record.buckets.filter(
      (bucket) => bucket.t >= from && bucket.t < to && (unit === undefined || bucket.unit === unit)
    );
  }

  metrics(region: string): MetricIdentity[] {
    return Object.values(this.region(region)).map(({ Namespace, MetricName, Dimensions }) => ({
      Namespace,
      MetricName,
      Dimensions
    }));
  }

  /** Folds seconds older than three hours into minutes, and drops what is older than fifteen days. */
  prune(now: number): void {
    for (const series of Object.values(this.document.regions)) {
      for (const [key, record] of Object.entries(series)) {
        const before = record.buckets.length;
        record.buckets = foldOldBuckets(record.buckets, now);
        if (record.buckets.length !== before) this.dirty = true;
        if (record.buckets.length === 0) delete series[key];
      }
    }
  }

  /** Writes the datapoints if any changed since the last write. */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.state.save(MetricStore.DOCUMENT);
  }
}

export function seriesKey(metric: MetricIdentity): string {
  return JSON.stringify([
    metric.Namespace,
    metric.MetricName,
    metric.Dimensions.map(({ Name, Value }) => [Name, Value])
  ]);
}

/** Buckets older than three hours become one per minute and unit; those older than fifteen days go. */
export function foldOldBuckets(buckets: readonly Bucket[], now: number): Bucket[] {
  const recent: Bucket[] = [];
  const minutes = new Map<string, Bucket[]>();
  for (const bucket of buckets) {
    if (bucket.t < now - RETENTION_MS) continue;
    if (bucket.t >= now - HIGH_RESOLUTION_RETENTION_MS) {
      recent.push(bucket);
      continue;
    }
    const key = `${Math.floor(bucket.t / MINUTE) * MINUTE} ${bucket.unit}`;
    const group = minutes.get(key);
    if (group) group.push(bucket);
    else minutes.set(key, [bucket]);
  }
  const folded = [...minutes.values()].map((group): Bucket => {
    const first = group[0]!;
    if (group.length === 1 && first.t % MINUTE === 0) return first;
    return { ...combine(group)!, t: Math.floor(first.t / MINUTE) * MINUTE, unit: first.unit };
  });
  return [...folded, ...recent].sort((a, b) => a.t - b.t);
}

function copy(samples: SampleSummary): SampleSummary {
  return { ...samples, ...(samples.values && { values: samples.values.map(([v, c]) => [v, c]) }) };
}
