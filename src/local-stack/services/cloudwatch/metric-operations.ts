import type {
  Datapoint,
  DimensionFilter,
  GetMetricDataCommandInput,
  GetMetricDataCommandOutput,
  GetMetricStatisticsCommandInput,
  GetMetricStatisticsCommandOutput,
  ListMetricsCommandInput,
  ListMetricsCommandOutput,
  MetricDataQuery,
  MetricDataResult,
  MetricDatum,
  MetricStat,
  Metric,
  PutMetricDataCommandInput,
  PutMetricDataCommandOutput,
  StatisticSet
} from '@aws-sdk/client-cloudwatch';
import { defineOperations, wireMembers, type OperationTable } from '../../wire/types.js';
import { paginate } from '../../wire/pagination.js';
import { invalidNextToken, invalidParameterCombination, invalidParameterValue } from './errors.js';
import { HIGH_RESOLUTION_RETENTION_MS, type MetricIdentity, type MetricStore } from './metric-store.js';
import { alignStart, checkQueryPeriod, summarizePeriods, type PeriodSummary } from './periods.js';
import {
  combine,
  parseExtendedStatistic,
  sampleSummary,
  parseStatistic,
  STANDARD_STATISTICS,
  statisticName,
  statisticValue,
  type SampleSummary,
  type Statistic
} from './statistics.js';
import {
  dimensions,
  namespace,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalList,
  optionalNumber,
  optionalString,
  optionalTimestamp,
  optionalUnit,
  requiredInteger,
  requiredString,
  requiredTimestamp,
  stringList
} from './wire-values.js';

type MetricOperations = {
  PutMetricData: [PutMetricDataCommandInput, PutMetricDataCommandOutput];
  GetMetricStatistics: [GetMetricStatisticsCommandInput, GetMetricStatisticsCommandOutput];
  GetMetricData: [GetMetricDataCommandInput, GetMetricDataCommandOutput];
  ListMetrics: [ListMetricsCommandInput, ListMetricsCommandOutput];
};

/** GetMetricStatistics answers at most 1,440 datapoints per call. */
const MAX_DATAPOINTS = 1440;
const TWO_WEEKS_MS = 14 * 24 * 60 * 60 * 1000;
const TWO_HOURS_MS = 2 * 60 * 60 * 1000;
const LIST_METRICS_PAGE = 500;

/** PutMetricData, GetMetricStatistics, GetMetricData and ListMetrics over the account's datapoints. */
export function metricOperations(store: MetricStore, now: () => number = Date.now): OperationTable {
  return defineOperations<MetricOperations>({
    PutMetricData: (input, context) => {
      const space = namespace(input.Namespace);
      if (space.startsWith('AWS/')) {
        throw invalidParameterValue(
          `The value ${space} for parameter Namespace is invalid: namespaces starting with AWS/ are ` +
            `reserved for AWS services. Publish under your own namespace.`
        );
      }
      const data = optionalList(input.MetricData, 'MetricData', 1000);
      if (data.length === 0 && input.EntityMetricData === undefined) {
        throw invalidParameterValue('The parameter MetricData must contain at least one datum.');
      }
      if (optionalList(input.EntityMetricData, 'EntityMetricData').length > 0) {
        throw invalidParameterValue(
          'The local stack does not accept EntityMetricData: publish the datapoints in MetricData.'
        );
      }
      // Every datum is checked before any is stored: a refused call stores nothing, as on AWS.
      const datapoints = data.map((item, index) => readDatum(item, `MetricData.member.${index + 1}`, now()));
      for (const { metric, at, unit, samples } of datapoints) {
        for (const summary of samples)
          store.record(context.region, { ...metric, Namespace: space }, at, unit, summary);
      }
      return {};
    },

    GetMetricStatistics: (input, context) => {
      const metric: MetricIdentity = {
        Namespace: namespace(input.Namespace),
        MetricName: requiredString(input.MetricName, 'MetricName'),
        Dimensions: dimensions(input.Dimensions, 'Dimensions')
      };
      const start = requiredTimestamp(input.StartTime, 'StartTime').getTime();
      const end = requiredTimestamp(input.EndTime, 'EndTime').getTime();
      const period = checkQueryPeriod(requiredInteger(input.Period, 'Period'), 'Period');
      const statistics = stringList(input.Statistics, 'Statistics', 5).map((name) => {
        if (!(STANDARD_STATISTICS as readonly string[]).includes(name)) {
          throw invalidParameterValue(
            `The value ${name} for parameter Statistics is not valid: use ${STANDARD_STATISTICS.join(', ')}.`
          );
        }
        return parseStatistic(name, 'Statistics');
      });
      const extended = stringList(input.ExtendedStatistics, 'ExtendedStatistics', 10).map((name) =>
        parseExtendedStatistic(name, 'ExtendedStatistics')
      );
      if (statistics.length === 0 && extended.length === 0) {
        throw invalidParameterCombination('Must specify either Statistics or ExtendedStatistics.');
      }
      const unit = optionalUnit(input.Unit, 'Unit');
      const first = checkRange(start, end, period);
      const periods = summarizePeriods(
        store.buckets(context.region, metric, first, end, unit),
        first,
        period
      );
      const Datapoints = periods.map(({ start: periodStart, unit: periodUnit, summary }): Datapoint => {
        const point: Datapoint = { Timestamp: new Date(periodStart), Unit: periodUnit as Datapoint['Unit'] };
        for (const statistic of statistics) {
          (point as Record<string, unknown>)[statisticName(statistic)] = statisticValue(summary, statistic);
        }
        const percentiles = extended.flatMap((statistic) => {
          const value = statisticValue(summary, statistic);
          return value === undefined ? [] : [[statisticName(statistic), value] as const];
        });
        if (percentiles.length > 0) point.ExtendedStatistics = Object.fromEntries(percentiles);
        return point;
      });
      return { Label: metric.MetricName, Datapoints };
    },

    GetMetricData: (input, context) => {
      const start = requiredTimestamp(input.StartTime, 'StartTime').getTime();
      const end = requiredTimestamp(input.EndTime, 'EndTime').getTime();
      if (start >= end) {
        throw invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
      }
      const scanBy = optionalEnum(input.ScanBy, 'ScanBy', [
        'TimestampDescending',
        'TimestampAscending'
      ] as const);
      const maxDatapoints = optionalInteger(input.MaxDatapoints, 'MaxDatapoints') ?? 100_800;
      if (input.NextToken !== undefined && input.NextToken !== null && input.NextToken !== '') {
        throw invalidNextToken();
      }
      const queries = optionalList(input.MetricDataQueries, 'MetricDataQueries', 500);
      if (queries.length === 0) {
        throw invalidParameterValue('The parameter MetricDataQueries must contain at least one query.');
      }
      const ids = new Set<string>();
      const results: MetricDataResult[] = [];
      let remaining = maxDatapoints;
      let partial = false;
      for (const [index, item] of queries.entries()) {
        const query = readQuery(item, `MetricDataQueries.member.${index + 1}`);
        if (ids.has(query.id)) {
          throw invalidParameterValue(
            `The value ${query.id} for parameter MetricDataQueries.member.${index + 1}.Id is not unique.`
          );
        }
        ids.add(query.id);
        if (!query.returnData) continue;
        const first = alignStart(start, query.period);
        const periods = summarizePeriods(
          store.buckets(context.region, query.metric, first, end, query.unit),
          first,
          query.period
        );
        let points = mergeUnits(periods).flatMap(({ start: periodStart, summary }) => {
          const value = statisticValue(summary, query.statistic);
          return value === undefined ? [] : [{ timestamp: periodStart, value }];
        });
        if (scanBy !== 'TimestampAscending') points.reverse();
        if (points.length > remaining) {
          points = points.slice(0, remaining);
          partial = true;
        }
        remaining -= points.length;
        results.push({
          Id: query.id,
          Label: query.label ?? query.metric.MetricName,
          Timestamps: points.map((point) => new Date(point.timestamp)),
          Values: points.map((point) => point.value),
          StatusCode: partial ? 'PartialData' : 'Complete'
        });
      }
      return { MetricDataResults: results, Messages: [] };
    },

    ListMetrics: (input, context) => {
      const space = input.Namespace === undefined ? undefined : namespace(input.Namespace);
      const name = optionalString(input.MetricName, 'MetricName');
      const filters = optionalList(input.Dimensions, 'Dimensions', 10).map((item, index) => {
        const filter = wireMembers<DimensionFilter>(item);
        return {
          Name: requiredString(filter.Name, `Dimensions.member.${index + 1}.Name`),
          Value: optionalString(filter.Value, `Dimensions.member.${index + 1}.Value`, 1024)
        };
      });
      const recently = optionalEnum(input.RecentlyActive, 'RecentlyActive', ['PT3H'] as const);
      const since = now() - HIGH_RESOLUTION_RETENTION_MS;
      const metrics = store
        .metrics(context.region)
        .filter(
          (metric) =>
            (space === undefined || metric.Namespace === space) &&
            (name === undefined || metric.MetricName === name) &&
            filters.every((filter) =>
              metric.Dimensions.some(
                (dimension) =>
                  dimension.Name === filter.Name &&
                  (filter.Value === undefined || dimension.Value === filter.Value)
              )
            ) &&
            (recently === undefined ||
              store.buckets(context.region, metric, since, Number.MAX_SAFE_INTEGER).length > 0)
        )
        .sort((a, b) => compareMetrics(a, b));
      const page = paginate(metrics, {
        token: input.NextToken,
        pageSize: LIST_METRICS_PAGE,
        invalidToken: invalidNextToken
      });
      return {
        Metrics: page.items.map((metric): Metric => ({ ...metric })),
        ...(page.nextToken !== undefined && { NextToken: page.nextToken })
      };
    }
  });
}

interface ReadDatum {
  metric: Omit<MetricIdentity, 'Namespace'> & { Namespace: string };
  at: Date;
  unit: string;
  samples: SampleSummary[];
}

/** One MetricData entry: Value, StatisticValues, or Values with Counts (exactly one of them). */
function readDatum(item: unknown, location: string, now: number): ReadDatum {
  const datum = wireMembers<MetricDatum>(item);
  const metric = {
    Namespace: '',
    MetricName: requiredString(datum.MetricName, `${location}.MetricName`),
    Dimensions: dimensions(datum.Dimensions, `${location}.Dimensions`)
  };
  const timestamp = optionalTimestamp(datum.Timestamp, `${location}.Timestamp`) ?? new Date(now);
  if (timestamp.getTime() < now - TWO_WEEKS_MS || timestamp.getTime() > now + TWO_HOURS_MS) {
    throw invalidParameterValue(
      `The parameter ${location}.Timestamp must specify a time no more than two weeks in the past and no ` +
        `more than two hours in the future (it was ${timestamp.toISOString()}).`
    );
  }
  const resolution = optionalInteger(datum.StorageResolution, `${location}.StorageResolution`) ?? 60;
  if (resolution !== 1 && resolution !== 60) {
    throw invalidParameterValue(
      `The value ${resolution} for parameter ${location}.StorageResolution is not valid: use 1 (high resolution) or 60.`
    );
  }
  // Standard-resolution data has one-minute granularity, as CloudWatch stores it.
  const at = resolution === 60 ? new Date(Math.floor(timestamp.getTime() / 60_000) * 60_000) : timestamp;
  const unit = optionalUnit(datum.Unit, `${location}.Unit`) ?? 'None';

  const given = (['Value', 'StatisticValues', 'Values'] as const).filter(
    (member) => datum[member] !== undefined && datum[member] !== null
  );
  if (given.length !== 1) {
    throw invalidParameterCombination(
      given.length === 0
        ? `One of the parameters ${location}.Value, ${location}.StatisticValues and ${location}.Values must be specified.`
        : `The parameters ${given.map((member) => `${location}.${member}`).join(' and ')} are mutually exclusive and you have specified more than one.`
    );
  }
  let samples: SampleSummary[];
  if (given[0] === 'Value') {
    samples = [sampleSummary(optionalNumber(datum.Value, `${location}.Value`)!, 1)];
  } else if (given[0] === 'StatisticValues') {
    const set = wireMembers<StatisticSet>(datum.StatisticValues);
    const member = (name: keyof StatisticSet) => {
      const value = optionalNumber(set[name], `${location}.StatisticValues.${name}`);
      if (value === undefined) {
        throw invalidParameterValue(`The parameter ${location}.StatisticValues.${name} is required.`);
      }
      return value;
    };
    const count = member('SampleCount');
    if (count <= 0) {
      throw invalidParameterValue(
        `The parameter ${location}.StatisticValues.SampleCount must be greater than 0.`
      );
    }
    samples = [{ count, sum: member('Sum'), min: member('Minimum'), max: member('Maximum') }];
  } else {
    const values = optionalList(datum.Values, `${location}.Values`, 150).map((value, index) =>
      optionalNumber(value, `${location}.Values.member.${index + 1}`)!
    );
    const counts = optionalList(datum.Counts, `${location}.Counts`, 150).map((count, index) =>
      optionalNumber(count, `${location}.Counts.member.${index + 1}`)!
    );
    if (counts.length > 0 && counts.length !== values.length) {
      throw invalidParameterValue(
        `The parameters ${location}.Values and ${location}.Counts must be of the same size.`
      );
    }
    samples = values.map((value, index) => sampleSummary(value, counts[index] ?? 1));
  }
  return { metric, at, unit, samples };
}

function checkRange(start: number, end: number, period: number): number {
  if (start >= end) {
    throw invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
  }
  const first = alignStart(start, period);
  const requested = Math.ceil((end - first) / (period * 1000));
  if (requested > MAX_DATAPOINTS) {
    throw invalidParameterCombination(
      `You have requested up to ${requested.toLocaleString('en-US')} datapoints, which exceeds the limit of ` +
        `${MAX_DATAPOINTS.toLocaleString('en-US')}. You may reduce the datapoints requested by increasing Period, ` +
        `or decreasing the time range.`
    );
  }
  return first;
}

interface ReadQuery {
  id: string;
  label: string | undefined;
  returnData: boolean;
  metric: MetricIdentity;
  period: number;
  statistic: Statistic;
  unit: string | undefined;
}

/** A MetricDataQuery: its Id and the MetricStat it reads (metric math is not evaluated locally). */
export function readQuery(item: unknown, location: string): ReadQuery {
  const query = wireMembers<MetricDataQuery>(item);
  const id = requiredString(query.Id, `${location}.Id`);
  if (!/^[a-z][a-zA-Z0-9_]*$/.test(id)) {
    throw invalidParameterValue(
      `The value ${id} for parameter ${location}.Id is not valid: it must start with a lowercase letter and ` +
        `hold only letters, digits and underscores.`
    );
  }
  if (query.Expression !== undefined) {
    throw invalidParameterValue(
      `The local stack does not evaluate metric math (${location}.Expression): query the metrics with MetricStat.`
    );
  }
  if (query.MetricStat === undefined) {
    throw invalidParameterCombination(
      `Exactly one of ${location}.MetricStat and ${location}.Expression must be specified.`
    );
  }
  const stat = wireMembers<MetricStat>(query.MetricStat);
  const metric = wireMembers<Metric>(stat.Metric);
  const statLocation = `${location}.MetricStat`;
  return {
    id,
    label: optionalString(query.Label, `${location}.Label`, 1024),
    returnData: optionalBoolean(query.ReturnData, `${location}.ReturnData`) ?? true,
    metric: {
      Namespace: namespace(metric.Namespace, `${statLocation}.Metric.Namespace`),
      MetricName: requiredString(metric.MetricName, `${statLocation}.Metric.MetricName`),
      Dimensions: dimensions(metric.Dimensions, `${statLocation}.Metric.Dimensions`)
    },
    period: checkQueryPeriod(
      requiredInteger(stat.Period, `${statLocation}.Period`),
      `${statLocation}.Period`
    ),
    statistic: parseStatistic(requiredString(stat.Stat, `${statLocation}.Stat`), `${statLocation}.Stat`),
    unit: optionalUnit(stat.Unit, `${statLocation}.Unit`)
  };
}

/** One summary per period whatever the units: a query without Unit reads every unit published. */
export function mergeUnits(periods: readonly PeriodSummary[]): { start: number; summary: SampleSummary }[] {
  const merged = new Map<number, SampleSummary[]>();
  for (const period of periods) {
    const group = merged.get(period.start);
    if (group) group.push(period.summary);
    else merged.set(period.start, [period.summary]);
  }
  return [...merged].map(([start, summaries]) => ({ start, summary: combine(summaries)! }));
}

function compareMetrics(a: MetricIdentity, b: MetricIdentity): number {
  const key = (metric: MetricIdentity) =>
    JSON.stringify([metric.Namespace, metric.MetricName, metric.Dimensions]);
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
