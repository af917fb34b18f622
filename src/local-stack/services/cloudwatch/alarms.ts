import type { MetricAlarm, StateValue } from '@aws-sdk/client-cloudwatch';
import type { AlarmRecord, AlarmStore } from './alarm-store.js';
import type { AlarmCondition, MissingDataTreatment, ThresholdComparison } from './evaluation.js';
import type { MetricIdentity } from './metric-store.js';
import { readQuery } from './metric-operations.js';
import { parseStatistic } from './statistics.js';

/** What an alarm watches and how it compares: the metric, its unit filter, and the condition. */
export interface AlarmTarget {
  metric: MetricIdentity;
  unit: string | undefined;
  condition: AlarmCondition;
}

/**
 * The metric and condition of a stored alarm: its MetricName/Namespace/Dimensions, or the one MetricStat
 * query of its Metrics (PutMetricAlarm has checked either form).
 */
export function alarmTarget(alarm: MetricAlarm): AlarmTarget {
  const common = {
    evaluationPeriods: alarm.EvaluationPeriods!,
    datapointsToAlarm: alarm.DatapointsToAlarm,
    comparison: alarm.ComparisonOperator as ThresholdComparison,
    threshold: alarm.Threshold!,
    treatMissingData: (alarm.TreatMissingData ?? 'missing') as MissingDataTreatment
  };
  const returned = alarm.Metrics?.find((query) => query.ReturnData !== false);
  if (returned) {
    const query = readQuery(returned, 'Metrics');
    return {
      metric: query.metric,
      unit: query.unit,
      condition: { ...common, periodSeconds: query.period, statistic: query.statistic }
    };
  }
  return {
    metric: {
      Namespace: alarm.Namespace!,
      MetricName: alarm.MetricName!,
      Dimensions: alarm.Dimensions ?? []
    },
    unit: alarm.Unit,
    condition: {
      ...common,
      periodSeconds: alarm.Period!,
      statistic: parseStatistic(alarm.ExtendedStatistic ?? alarm.Statistic!, 'Statistic')
    }
  };
}

/**
 * Moves an alarm to `state`, with CloudWatch's StateUpdate history item. Alarm actions are recorded on
 * the alarm but not run: the local stack has no SNS, Auto Scaling or EC2 actions to call.
 */
export function changeState(
  store: AlarmStore,
  region: string,
  record: AlarmRecord,
  update: { state: StateValue; reason: string; reasonData?: string | undefined },
  at: Date
): void {
  const alarm = record.alarm;
  const before = {
    stateValue: alarm.StateValue,
    stateReason: alarm.StateReason,
    ...(alarm.StateReasonData !== undefined && {
      stateReasonData: JSON.parse(alarm.StateReasonData) as unknown
    })
  };
  const changed = alarm.StateValue !== update.state;
  alarm.StateValue = update.state;
  alarm.StateReason = update.reason.slice(0, 1023);
  if (update.reasonData === undefined) delete alarm.StateReasonData;
  else alarm.StateReasonData = update.reasonData;
  alarm.StateUpdatedTimestamp = at;
  if (changed) alarm.StateTransitionedTimestamp = at;
  store.addHistory(region, {
    AlarmName: alarm.AlarmName,
    AlarmType: 'MetricAlarm',
    Timestamp: at,
    HistoryItemType: 'StateUpdate',
    HistorySummary: `Alarm updated from ${before.stateValue} to ${update.state}`,
    HistoryData: JSON.stringify({
      version: '1.0',
      oldState: before,
      newState: {
        stateValue: update.state,
        stateReason: alarm.StateReason,
        ...(update.reasonData !== undefined && { stateReasonData: JSON.parse(update.reasonData) as unknown })
      }
    })
  });
  store.save();
}
