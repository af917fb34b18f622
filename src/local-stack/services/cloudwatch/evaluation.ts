import type { ComparisonOperator, StateValue } from '@aws-sdk/client-cloudwatch';
import { statisticName, type Statistic } from './statistics.js';

export type MissingDataTreatment = 'missing' | 'ignore' | 'breaching' | 'notBreaching';
export const MISSING_DATA_TREATMENTS: readonly MissingDataTreatment[] = [
  'missing',
  'ignore',
  'breaching',
  'notBreaching'
];
export const THRESHOLD_COMPARISONS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold'
] as const satisfies readonly ComparisonOperator[];
export type ThresholdComparison = (typeof THRESHOLD_COMPARISONS)[number];

/** What an alarm compares, as PutMetricAlarm configured it. */
export interface AlarmCondition {
  periodSeconds: number;
  statistic: Statistic;
  evaluationPeriods: number;
  /** DatapointsToAlarm, when the alarm sets it ("M out of N"); EvaluationPeriods otherwise. */
  datapointsToAlarm: number | undefined;
  comparison: ThresholdComparison;
  threshold: number;
  treatMissingData: MissingDataTreatment;
}

/** One period of the evaluation range: its start (epoch ms) and the statistic's value, if data arrived. */
export interface PeriodValue {
  start: number;
  value: number | undefined;
  sampleCount?: number;
}

export interface Evaluation {
  state: StateValue;
  reason: string;
  /** StateReasonData: the JSON document CloudWatch attaches to every evaluated transition. */
  reasonData: string;
}

/**
 * How many periods an evaluation reads: the alarm's EvaluationPeriods plus a few more, since CloudWatch
 * looks further back for real datapoints when some of the latest are missing.
 */
export function evaluationRange(condition: AlarmCondition): number {
  return condition.evaluationPeriods + Math.min(condition.evaluationPeriods, 3);
}

/**
 * The state an alarm's datapoints put it in, by CloudWatch's documented rules, or undefined when it
 * keeps its state (`ignore` with no data). `periods` is the evaluation range, newest first.
 *
 * - Enough real datapoints (at least EvaluationPeriods): the newest EvaluationPeriods of them decide;
 *   TreatMissingData plays no part.
 * - Some, but fewer: the missing ones are filled in as TreatMissingData says (breaching or not; `missing`
 *   and `ignore` fill nothing), and the alarm goes to ALARM when DatapointsToAlarm of them breach.
 * - None: `missing` → INSUFFICIENT_DATA, `ignore` → unchanged, `breaching` → ALARM, `notBreaching` → OK.
 */
export function evaluateAlarm(
  condition: AlarmCondition,
  periods: readonly PeriodValue[],
  currentState: StateValue,
  queryDate: Date
): Evaluation | undefined {
  const m = condition.evaluationPeriods;
  const n = condition.datapointsToAlarm ?? m;
  const present = periods.filter((period) => period.value !== undefined);
  const data = (evaluated: readonly PeriodValue[]) => reasonData(condition, queryDate, periods, evaluated);

  if (present.length === 0) {
    const missing = periods.slice(0, m);
    switch (condition.treatMissingData) {
      case 'ignore':
        return undefined;
      case 'missing':
        return {
          state: 'INSUFFICIENT_DATA',
          reason: `Insufficient Data: ${count(periods.length, 'datapoint')} ${verb(periods.length)} unknown.`,
          reasonData: data([])
        };
      default: {
        const breaching = condition.treatMissingData === 'breaching';
        return {
          state: breaching ? 'ALARM' : 'OK',
          reason:
            `Threshold Crossed: no datapoints were received for ${count(missing.length, 'period')} and ` +
            `${count(missing.length, 'missing datapoint')} ${verb(missing.length)} treated as ` +
            `[${breaching ? 'Breaching' : 'NonBreaching'}].`,
          reasonData: data([])
        };
      }
    }
  }

  const evaluated = present.slice(0, m);
  const fills = m - evaluated.length;
  const filledBreaching = condition.treatMissingData === 'breaching' ? fills : 0;
  const breaching = evaluated.filter((period) => breaches(condition, period.value!));
  const alarm = breaching.length + filledBreaching >= n;
  const state: StateValue = alarm ? 'ALARM' : 'OK';
  const shown = alarm ? breaching : evaluated.filter((period) => !breaches(condition, period.value!));
  const list = `[${shown.map((period) => `${javaDouble(period.value!)} (${reasonTime(period.start)})`).join(', ')}]`;
  const comparison = `${alarm ? '' : 'not '}${COMPARISON_TEXT[condition.comparison]} the threshold (${javaDouble(condition.threshold)})`;
  const reason =
    condition.datapointsToAlarm === undefined
      ? `Threshold Crossed: ${count(shown.length, 'datapoint')} ${list} ${verb(shown.length)} ${comparison}.`
      : `Threshold Crossed: ${shown.length} out of the last ${m} datapoints ${list} ${verb(shown.length)} ` +
        `${comparison} (minimum ${count(alarm ? n : 1, 'datapoint')} for ` +
        `${currentState} -> ${state} transition).`;
  return { state, reason, reasonData: data(evaluated) };
}

export function breaches(
  condition: Pick<AlarmCondition, 'comparison' | 'threshold'>,
  value: number
): boolean {
  switch (condition.comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= condition.threshold;
    case 'GreaterThanThreshold':
      return value > condition.threshold;
    case 'LessThanThreshold':
      return value < condition.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= condition.threshold;
  }
}

const COMPARISON_TEXT: Record<ThresholdComparison, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to'
};

function reasonData(
  condition: AlarmCondition,
  queryDate: Date,
  range: readonly PeriodValue[],
  evaluated: readonly PeriodValue[]
): string {
  const oldest = range[range.length - 1];
  const statistic = statisticName(condition.statistic);
  return JSON.stringify({
    version: '1.0',
    queryDate: dataTime(queryDate.getTime()),
    ...(oldest && { startDate: dataTime(oldest.start) }),
    ...('percentile' in condition.statistic ? { extendedStatistic: statistic } : { statistic }),
    period: condition.periodSeconds,
    recentDatapoints: evaluated.map((period) => period.value),
    threshold: condition.threshold,
    evaluatedDatapoints: evaluated.map((period) => ({
      timestamp: dataTime(period.start),
      ...(period.sampleCount !== undefined && { sampleCount: period.sampleCount }),
      value: period.value
    }))
  });
}

/** Numbers as CloudWatch's reasons print them (Java doubles): `5.0`, `0.25`. */
export function javaDouble(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e7 ? value.toFixed(1) : String(value);
}

/** `dd/MM/yy HH:mm:ss` in UTC, as in CloudWatch's state reasons. */
function reasonTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)} ${iso.slice(11, 19)}`;
}

/** `2026-12-02T16:40:00.000+0000`, as in StateReasonData. */
function dataTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function verb(n: number): string {
  return n === 1 ? 'was' : 'were';
}
