import type { StateValue } from '@aws-sdk/client-cloudwatch';
import {
  evaluateAlarm,
  type AlarmCondition,
  type MissingDataTreatment,
  type PeriodValue
} from '../../../../../src/local-stack/services/cloudwatch/evaluation.js';

const QUERY_DATE = new Date('2026-03-04T05:06:40.000Z');
const PERIOD_MS = 10_000;

/** An alarm: Sum over 10 s periods, breaching at 1 or more. */
const condition = (overrides: Partial<AlarmCondition> = {}): AlarmCondition => ({
  periodSeconds: 10,
  statistic: { standard: 'Sum' },
  evaluationPeriods: 3,
  datapointsToAlarm: undefined,
  comparison: 'GreaterThanOrEqualToThreshold',
  threshold: 1,
  treatMissingData: 'missing',
  ...overrides
});

/**
 * Periods written oldest first as in CloudWatch's documentation: `X` breaching, `0` not breaching, `-`
 * missing. The evaluator hands them newest first, ending at the query date.
 */
const periods = (pattern: string): PeriodValue[] =>
  pattern
    .split(' ')
    .reverse()
    .map((mark, index) => ({
      start: QUERY_DATE.getTime() - (index + 1) * PERIOD_MS,
      value: mark === '-' ? undefined : mark === 'X' ? 5 : 0
    }));

describe('alarm evaluation', () => {
  // Evaluation range of 5 periods for 3 evaluation periods; DatapointsToAlarm 3 unless given.
  it.each<[string, MissingDataTreatment, number | undefined, StateValue | 'unchanged']>([
    ['0 0 X X X', 'missing', undefined, 'ALARM'],
    ['X X X 0 0', 'missing', undefined, 'OK'],
    ['0 0 X 0 X', 'missing', 2, 'ALARM'],
    ['0 0 X 0 0', 'missing', 2, 'OK'],
    // Enough real datapoints further back: TreatMissingData plays no part.
    ['X X - X -', 'notBreaching', undefined, 'ALARM'],
    ['0 0 - 0 -', 'breaching', undefined, 'OK'],
    // Fewer real datapoints than evaluation periods: the missing ones are filled in.
    ['- - - X -', 'breaching', undefined, 'ALARM'],
    ['- - - X -', 'notBreaching', undefined, 'OK'],
    ['- - - X -', 'missing', undefined, 'OK'],
    ['- - - X -', 'missing', 1, 'ALARM'],
    ['- - - 0 -', 'ignore', undefined, 'OK'],
    ['- - - 0 0', 'breaching', 1, 'ALARM'],
    // No data at all.
    ['- - - - -', 'missing', undefined, 'INSUFFICIENT_DATA'],
    ['- - - - -', 'ignore', undefined, 'unchanged'],
    ['- - - - -', 'breaching', undefined, 'ALARM'],
    ['- - - - -', 'notBreaching', undefined, 'OK']
  ])('%s with %s (DatapointsToAlarm %s) → %s', (pattern, treatMissingData, datapointsToAlarm, expected) => {
    const outcome = evaluateAlarm(
      condition({ treatMissingData, datapointsToAlarm }),
      periods(pattern),
      'OK',
      QUERY_DATE
    );
    expect(outcome?.state ?? 'unchanged').toBe(expected);
  });

  it.each([
    ['GreaterThanThreshold', 1, false],
    ['GreaterThanThreshold', 2, true],
    ['GreaterThanOrEqualToThreshold', 1, true],
    ['LessThanThreshold', 1, false],
    ['LessThanThreshold', 0, true],
    ['LessThanOrEqualToThreshold', 1, true]
  ] as const)('%s compares %s to the threshold 1 → ALARM %s', (comparison, value, alarm) => {
    const outcome = evaluateAlarm(
      condition({ comparison, evaluationPeriods: 1 }),
      [{ start: QUERY_DATE.getTime() - PERIOD_MS, value }],
      'INSUFFICIENT_DATA',
      QUERY_DATE
    );
    expect(outcome?.state).toBe(alarm ? 'ALARM' : 'OK');
  });

  it('explains a transition as CloudWatch does, with its StateReasonData', () => {
    const outcome = evaluateAlarm(
      condition({ evaluationPeriods: 1 }),
      [
        { start: Date.parse('2026-03-04T05:06:30Z'), value: 3, sampleCount: 12 },
        { start: Date.parse('2026-03-04T05:06:20Z'), value: undefined }
      ],
      'OK',
      QUERY_DATE
    );
    expect(outcome?.reason).toBe(
      'Threshold Crossed: 1 datapoint [3.0 (04/03/26 05:06:30)] was greater than or equal to the threshold (1.0).'
    );
    expect(JSON.parse(outcome!.reasonData)).toEqual({
      version: '1.0',
      queryDate: '2026-03-04T05:06:40.000+0000',
      startDate: '2026-03-04T05:06:20.000+0000',
      statistic: 'Sum',
      period: 10,
      recentDatapoints: [3],
      threshold: 1,
      evaluatedDatapoints: [{ timestamp: '2026-03-04T05:06:30.000+0000', sampleCount: 12, value: 3 }]
    });
  });

  it('names M out of N and the transition when DatapointsToAlarm is set', () => {
    const outcome = evaluateAlarm(
      condition({ datapointsToAlarm: 2, statistic: { percentile: 99, name: 'p99' } }),
      periods('X 0 X'),
      'OK',
      QUERY_DATE
    );
    expect(outcome?.reason).toBe(
      'Threshold Crossed: 2 out of the last 3 datapoints [5.0 (04/03/26 05:06:30), 5.0 (04/03/26 05:06:10)] were ' +
        'greater than or equal to the threshold (1.0) (minimum 2 datapoints for OK -> ALARM transition).'
    );
    expect(JSON.parse(outcome!.reasonData)).toMatchObject({ extendedStatistic: 'p99' });
  });

  it.each([
    ['missing', 'Insufficient Data: 5 datapoints were unknown.'],
    [
      'breaching',
      'Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching].'
    ],
    [
      'notBreaching',
      'Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [NonBreaching].'
    ]
  ] as const)('explains a range without data treated as %s', (treatMissingData, reason) => {
    expect(
      evaluateAlarm(condition({ treatMissingData }), periods('- - - - -'), 'OK', QUERY_DATE)?.reason
    ).toBe(reason);
  });
});
