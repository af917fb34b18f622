import type {
  AlarmHistoryItem,
  DeleteAlarmsCommandInput,
  DeleteAlarmsCommandOutput,
  DescribeAlarmHistoryCommandInput,
  DescribeAlarmHistoryCommandOutput,
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput,
  DescribeAlarmsForMetricCommandInput,
  DescribeAlarmsForMetricCommandOutput,
  DisableAlarmActionsCommandInput,
  DisableAlarmActionsCommandOutput,
  EnableAlarmActionsCommandInput,
  EnableAlarmActionsCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  MetricAlarm,
  PutMetricAlarmCommandInput,
  PutMetricAlarmCommandOutput,
  SetAlarmStateCommandInput,
  SetAlarmStateCommandOutput,
  StateValue,
  Tag,
  TagResourceCommandInput,
  TagResourceCommandOutput,
  UntagResourceCommandInput,
  UntagResourceCommandOutput
} from '@aws-sdk/client-cloudwatch';
import { partitionOf } from '../../identity/partition.js';
import { paginate } from '../../wire/pagination.js';
import {
  defineOperations,
  wireMembers,
  type OperationTable,
  type RequestContext,
  type WireInput
} from '../../wire/types.js';
import type { AlarmRecord, AlarmStore } from './alarm-store.js';
import { alarmTarget, changeState } from './alarms.js';
import {
  alarmNotFound,
  invalidFormat,
  invalidNextToken,
  invalidParameterCombination,
  invalidParameterValue,
  resourceNotFound
} from './errors.js';
import { MISSING_DATA_TREATMENTS, THRESHOLD_COMPARISONS } from './evaluation.js';
import { readQuery } from './metric-operations.js';
import { parseExtendedStatistic, STANDARD_STATISTICS } from './statistics.js';
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
  stringList
} from './wire-values.js';

type AlarmOperations = {
  PutMetricAlarm: [PutMetricAlarmCommandInput, PutMetricAlarmCommandOutput];
  DescribeAlarms: [DescribeAlarmsCommandInput, DescribeAlarmsCommandOutput];
  DescribeAlarmsForMetric: [DescribeAlarmsForMetricCommandInput, DescribeAlarmsForMetricCommandOutput];
  DeleteAlarms: [DeleteAlarmsCommandInput, DeleteAlarmsCommandOutput];
  SetAlarmState: [SetAlarmStateCommandInput, SetAlarmStateCommandOutput];
  DescribeAlarmHistory: [DescribeAlarmHistoryCommandInput, DescribeAlarmHistoryCommandOutput];
  EnableAlarmActions: [EnableAlarmActionsCommandInput, EnableAlarmActionsCommandOutput];
  DisableAlarmActions: [DisableAlarmActionsCommandInput, DisableAlarmActionsCommandOutput];
  TagResource: [TagResourceCommandInput, TagResourceCommandOutput];
  UntagResource: [UntagResourceCommandInput, UntagResourceCommandOutput];
  ListTagsForResource: [ListTagsForResourceCommandInput, ListTagsForResourceCommandOutput];
};

const STATE_VALUES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const satisfies readonly StateValue[];
const ONE_DAY_SECONDS = 24 * 60 * 60;
const MAX_TAGS = 50;

/**
 * The metric alarms: their configuration, state and history, and tags. `reevaluate` tells the evaluator
 * an alarm's configuration changed, so it is evaluated at once rather than at its next period.
 */
export function alarmOperations(
  store: AlarmStore,
  reevaluate: (region: string, name: string) => void,
  now: () => number = Date.now
): OperationTable {
  const existing = (context: RequestContext, name: string) => {
    const record = store.get(context.region, name);
    if (!record) throw alarmNotFound(name);
    return record;
  };
  const byArn = (context: RequestContext, arn: unknown): AlarmRecord => {
    const text = requiredString(arn, 'ResourceARN', 1024);
    const prefix = `arn:${partitionOf(context.region)}:cloudwatch:${context.region}:${context.accountId}:alarm:`;
    const record = text.startsWith(prefix) ? store.get(context.region, text.slice(prefix.length)) : undefined;
    if (!record) throw resourceNotFound(text);
    return record;
  };
  const setActions = (
    input: WireInput<{ AlarmNames: string[] }>,
    context: RequestContext,
    enabled: boolean
  ) => {
    for (const name of stringList(input.AlarmNames, 'AlarmNames', 100)) {
      const record = store.get(context.region, name);
      if (record) record.alarm.ActionsEnabled = enabled;
    }
    store.save();
    return {};
  };

  return defineOperations<AlarmOperations>({
    PutMetricAlarm: (input, context) => {
      const at = new Date(now());
      const alarm = readAlarm(input, context);
      const previous = store.get(context.region, alarm.AlarmName!);
      const record: AlarmRecord = previous
        ? {
            // An update overwrites the configuration and keeps the state (and tags), as CloudWatch does.
            alarm: {
              ...alarm,
              StateValue: previous.alarm.StateValue,
              StateReason: previous.alarm.StateReason,
              ...(previous.alarm.StateReasonData !== undefined && {
                StateReasonData: previous.alarm.StateReasonData
              }),
              StateUpdatedTimestamp: previous.alarm.StateUpdatedTimestamp,
              StateTransitionedTimestamp: previous.alarm.StateTransitionedTimestamp,
              AlarmConfigurationUpdatedTimestamp: at
            },
            tags: previous.tags
          }
        : {
            alarm: {
              ...alarm,
              StateValue: 'INSUFFICIENT_DATA',
              StateReason: 'Unchecked: Initial alarm creation',
              StateUpdatedTimestamp: at,
              StateTransitionedTimestamp: at,
              AlarmConfigurationUpdatedTimestamp: at
            },
            tags: readTags(input.Tags)
          };
      store.put(context.region, record);
      store.addHistory(context.region, {
        AlarmName: alarm.AlarmName,
        AlarmType: 'MetricAlarm',
        Timestamp: at,
        HistoryItemType: 'ConfigurationUpdate',
        HistorySummary: `Alarm "${alarm.AlarmName}" ${previous ? 'updated' : 'created'}`,
        HistoryData: JSON.stringify({
          version: '1.0',
          type: previous ? 'Update' : 'Create',
          ...(previous && { oldData: configuration(previous.alarm) }),
          [previous ? 'newData' : 'createdAlarm']: configuration(record.alarm)
        })
      });
      store.save();
      reevaluate(context.region, alarm.AlarmName!);
      return {};
    },

    DescribeAlarms: (input, context) => {
      const names = stringList(input.AlarmNames, 'AlarmNames', 100);
      const prefix = optionalString(input.AlarmNamePrefix, 'AlarmNamePrefix');
      if (names.length > 0 && prefix !== undefined) {
        throw invalidParameterCombination('AlarmNames and AlarmNamePrefix cannot be specified together.');
      }
      if (input.ChildrenOfAlarmName !== undefined || input.ParentsOfAlarmName !== undefined) {
        throw invalidParameterValue(
          'The local stack has no composite alarms: leave out ChildrenOfAlarmName and ParentsOfAlarmName.'
        );
      }
      const types = stringList(input.AlarmTypes, 'AlarmTypes').map((type) =>
        optionalEnum(type, 'AlarmTypes', ['CompositeAlarm', 'MetricAlarm', 'LogAlarm'] as const)
      );
      const stateValue = optionalEnum(input.StateValue, 'StateValue', STATE_VALUES);
      const actionPrefix = optionalString(input.ActionPrefix, 'ActionPrefix', 1024);
      const pageSize = optionalInteger(input.MaxRecords, 'MaxRecords') ?? 50;
      if (pageSize > 100) throw invalidParameterValue('The parameter MaxRecords must be at most 100.');
      const wantsMetricAlarms = types.length === 0 || types.includes('MetricAlarm');
      const alarms = !wantsMetricAlarms
        ? []
        : store
            .all(context.region)
            .map((record) => record.alarm)
            .filter(
              (alarm) =>
                (names.length === 0 || names.includes(alarm.AlarmName!)) &&
                (prefix === undefined || alarm.AlarmName!.startsWith(prefix)) &&
                (stateValue === undefined || alarm.StateValue === stateValue) &&
                (actionPrefix === undefined ||
                  [
                    ...(alarm.AlarmActions ?? []),
                    ...(alarm.OKActions ?? []),
                    ...(alarm.InsufficientDataActions ?? [])
                  ].some((action) => action.startsWith(actionPrefix)))
            );
      const page = paginate(alarms, { token: input.NextToken, pageSize, invalidToken: invalidNextToken });
      return {
        MetricAlarms: page.items,
        ...(types.includes('CompositeAlarm') && { CompositeAlarms: [] }),
        ...(page.nextToken !== undefined && { NextToken: page.nextToken })
      };
    },

    DescribeAlarmsForMetric: (input, context) => {
      const space = namespace(input.Namespace);
      const metricName = requiredString(input.MetricName, 'MetricName');
      const statistic = optionalEnum(input.Statistic, 'Statistic', STANDARD_STATISTICS);
      const extended = optionalString(input.ExtendedStatistic, 'ExtendedStatistic');
      const wanted =
        input.Dimensions === undefined
          ? undefined
          : JSON.stringify(dimensions(input.Dimensions, 'Dimensions'));
      const period = optionalInteger(input.Period, 'Period');
      const unit = optionalUnit(input.Unit, 'Unit');
      const alarms = store
        .all(context.region)
        .map((record) => record.alarm)
        .filter(
          (alarm) =>
            alarm.Namespace === space &&
            alarm.MetricName === metricName &&
            (statistic === undefined || alarm.Statistic === statistic) &&
            (extended === undefined || alarm.ExtendedStatistic === extended) &&
            (wanted === undefined || JSON.stringify(alarm.Dimensions ?? []) === wanted) &&
            (period === undefined || alarm.Period === period) &&
            (unit === undefined || alarm.Unit === unit)
        );
      return { MetricAlarms: alarms };
    },

    DeleteAlarms: (input, context) => {
      const names = stringList(input.AlarmNames, 'AlarmNames', 100);
      const missing = names.filter((name) => !store.get(context.region, name));
      if (missing.length > 0) throw alarmNotFound(missing.join(', '));
      for (const name of names) store.delete(context.region, name);
      store.save();
      return {};
    },

    SetAlarmState: (input, context) => {
      const record = existing(context, requiredString(input.AlarmName, 'AlarmName'));
      const state = optionalEnum(input.StateValue, 'StateValue', STATE_VALUES);
      if (state === undefined) throw invalidParameterValue('The parameter StateValue is required.');
      const reason = optionalString(input.StateReason, 'StateReason', 1023);
      if (reason === undefined) throw invalidParameterValue('The parameter StateReason is required.');
      const reasonData = optionalString(input.StateReasonData, 'StateReasonData', 4000);
      if (reasonData !== undefined) {
        try {
          JSON.parse(reasonData);
        } catch {
          throw invalidFormat(`The parameter StateReasonData is not valid JSON: ${reasonData.slice(0, 100)}`);
        }
      }
      // The state holds until the alarm's next evaluation, as on CloudWatch.
      changeState(store, context.region, record, { state, reason, reasonData }, new Date(now()));
      return {};
    },

    DescribeAlarmHistory: (input, context) => {
      const name = optionalString(input.AlarmName, 'AlarmName');
      const type = optionalEnum(input.HistoryItemType, 'HistoryItemType', [
        'ConfigurationUpdate',
        'StateUpdate',
        'Action'
      ] as const);
      const types = stringList(input.AlarmTypes, 'AlarmTypes');
      const start = optionalTimestamp(input.StartDate, 'StartDate')?.getTime() ?? 0;
      const end = optionalTimestamp(input.EndDate, 'EndDate')?.getTime() ?? Number.MAX_SAFE_INTEGER;
      const scanBy = optionalEnum(input.ScanBy, 'ScanBy', [
        'TimestampDescending',
        'TimestampAscending'
      ] as const);
      const pageSize = optionalInteger(input.MaxRecords, 'MaxRecords') ?? 100;
      const items = store
        .region(context.region)
        .history.filter(
          (item: AlarmHistoryItem) =>
            (name === undefined || item.AlarmName === name) &&
            (type === undefined || item.HistoryItemType === type) &&
            (types.length === 0 || types.includes(item.AlarmType!)) &&
            item.Timestamp!.getTime() >= start &&
            item.Timestamp!.getTime() <= end
        );
      if (scanBy !== 'TimestampAscending') items.reverse();
      const page = paginate(items, {
        token: input.NextToken,
        pageSize: Math.min(pageSize, 100),
        invalidToken: invalidNextToken
      });
      return {
        AlarmHistoryItems: page.items,
        ...(page.nextToken !== undefined && { NextToken: page.nextToken })
      };
    },

    EnableAlarmActions: (input, context) => setActions(input, context, true),
    DisableAlarmActions: (input, context) => setActions(input, context, false),

    TagResource: (input, context) => {
      const record = byArn(context, input.ResourceARN);
      const tags = readTags(input.Tags);
      const merged = new Map(record.tags.map((tag) => [tag.Key!, tag.Value!]));
      for (const tag of tags) merged.set(tag.Key!, tag.Value!);
      if (merged.size > MAX_TAGS) {
        throw invalidParameterValue(
          `An alarm can have at most ${MAX_TAGS} tags; this call would give it ${merged.size}.`
        );
      }
      record.tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
      store.save();
      return {};
    },

    UntagResource: (input, context) => {
      const record = byArn(context, input.ResourceARN);
      const keys = stringList(input.TagKeys, 'TagKeys');
      record.tags = record.tags.filter((tag) => !keys.includes(tag.Key!));
      store.save();
      return {};
    },

    ListTagsForResource: (input, context) => ({ Tags: byArn(context, input.ResourceARN).tags })
  });
}

/**
 * A PutMetricAlarm request as the alarm's configuration, checked as CloudWatch checks it. The local stack
 * evaluates static thresholds over one metric: metric math and anomaly detection bands are refused.
 */
function readAlarm(input: WireInput<PutMetricAlarmCommandInput>, context: RequestContext): MetricAlarm {
  const name = requiredString(input.AlarmName, 'AlarmName');
  const evaluationPeriods = requiredInteger(input.EvaluationPeriods, 'EvaluationPeriods');
  const datapointsToAlarm = optionalInteger(input.DatapointsToAlarm, 'DatapointsToAlarm');
  if (datapointsToAlarm !== undefined && datapointsToAlarm > evaluationPeriods) {
    throw invalidParameterCombination(
      `DatapointsToAlarm (${datapointsToAlarm}) must be less than or equal to EvaluationPeriods (${evaluationPeriods}).`
    );
  }
  const comparison = optionalEnum(input.ComparisonOperator, 'ComparisonOperator', THRESHOLD_COMPARISONS);
  if (comparison === undefined) {
    throw invalidParameterValue(
      `The parameter ComparisonOperator is required: ${THRESHOLD_COMPARISONS.join(', ')} (anomaly detection bands are not emulated by the local stack).`
    );
  }
  if (input.ThresholdMetricId !== undefined) {
    throw invalidParameterValue(
      'The local stack does not emulate anomaly detection: set a static Threshold.'
    );
  }
  const threshold = optionalNumber(input.Threshold, 'Threshold');
  if (threshold === undefined) throw invalidParameterValue('The parameter Threshold is required.');
  const treatMissingData = optionalEnum(input.TreatMissingData, 'TreatMissingData', MISSING_DATA_TREATMENTS);
  const lowSampleCount = optionalEnum(
    input.EvaluateLowSampleCountPercentile,
    'EvaluateLowSampleCountPercentile',
    ['evaluate', 'ignore'] as const
  );
  const actions = (member: 'OKActions' | 'AlarmActions' | 'InsufficientDataActions') =>
    stringList(input[member], member, 5);
  const alarm: MetricAlarm = {
    AlarmName: name,
    AlarmArn: `arn:${partitionOf(context.region)}:cloudwatch:${context.region}:${context.accountId}:alarm:${name}`,
    AlarmDescription: optionalString(input.AlarmDescription, 'AlarmDescription', 1024),
    ActionsEnabled: optionalBoolean(input.ActionsEnabled, 'ActionsEnabled') ?? true,
    OKActions: actions('OKActions'),
    AlarmActions: actions('AlarmActions'),
    InsufficientDataActions: actions('InsufficientDataActions'),
    EvaluationPeriods: evaluationPeriods,
    DatapointsToAlarm: datapointsToAlarm,
    Threshold: threshold,
    ComparisonOperator: comparison,
    TreatMissingData: treatMissingData,
    EvaluateLowSampleCountPercentile: lowSampleCount
  };

  const metrics = optionalList(input.Metrics, 'Metrics', 10);
  if (metrics.length > 0) {
    for (const member of [
      'MetricName',
      'Namespace',
      'Statistic',
      'ExtendedStatistic',
      'Dimensions',
      'Period',
      'Unit'
    ] as const) {
      if (input[member] !== undefined) {
        throw invalidParameterCombination(`Metrics and ${member} cannot be specified together.`);
      }
    }
    const queries = metrics.map((query, index) => readQuery(query, `Metrics.member.${index + 1}`));
    const returned = queries.filter((query) => query.returnData);
    if (queries.length !== 1 || returned.length !== 1) {
      throw invalidParameterValue(
        'The local stack evaluates alarms over one metric: give Metrics exactly one MetricStat query (metric math is not emulated).'
      );
    }
    checkAlarmPeriod(returned[0]!.period, evaluationPeriods, 'Metrics.member.1.MetricStat.Period');
    alarm.Metrics = metrics.map((query) => wireMembers<object>(query)) as MetricAlarm['Metrics'];
  } else {
    alarm.Namespace = namespace(input.Namespace);
    alarm.MetricName = requiredString(input.MetricName, 'MetricName');
    alarm.Dimensions = dimensions(input.Dimensions, 'Dimensions');
    const statistic = optionalEnum(input.Statistic, 'Statistic', STANDARD_STATISTICS);
    const extended = optionalString(input.ExtendedStatistic, 'ExtendedStatistic');
    if ((statistic === undefined) === (extended === undefined)) {
      throw invalidParameterCombination('Exactly one of Statistic and ExtendedStatistic must be specified.');
    }
    if (extended !== undefined) parseExtendedStatistic(extended, 'ExtendedStatistic');
    alarm.Statistic = statistic;
    alarm.ExtendedStatistic = extended;
    alarm.Period = checkAlarmPeriod(requiredInteger(input.Period, 'Period'), evaluationPeriods, 'Period');
    alarm.Unit = optionalUnit(input.Unit, 'Unit') as MetricAlarm['Unit'];
  }
  // Validates what the evaluator reads, so a stored alarm always evaluates.
  alarmTarget(alarm);
  return Object.fromEntries(Object.entries(alarm).filter(([, value]) => value !== undefined));
}

/** Alarm periods: 10, 20 or 30 seconds (high-resolution alarms) or a multiple of 60, at most a day in all. */
function checkAlarmPeriod(period: number, evaluationPeriods: number, member: string): number {
  if (![10, 20, 30].includes(period) && period % 60 !== 0) {
    throw invalidParameterValue(
      `The parameter ${member} must be 10, 20, 30 or a multiple of 60; ${period} is not.`
    );
  }
  if (period * evaluationPeriods > ONE_DAY_SECONDS) {
    throw invalidParameterValue(
      `The product of ${member} (${period}) and EvaluationPeriods (${evaluationPeriods}) must not exceed one day (${ONE_DAY_SECONDS} seconds).`
    );
  }
  return period;
}

function readTags(value: unknown): Tag[] {
  const tags = optionalList(value, 'Tags', MAX_TAGS).map((item, index) => {
    const tag = wireMembers<Tag>(item);
    return {
      Key: requiredString(tag.Key, `Tags.member.${index + 1}.Key`, 128),
      Value: optionalString(tag.Value, `Tags.member.${index + 1}.Value`) ?? ''
    };
  });
  return [...new Map(tags.map((tag) => [tag.Key, tag])).values()];
}

/** An alarm's configuration as history data shows it (without its state). */
function configuration(alarm: MetricAlarm): Record<string, unknown> {
  const {
    StateValue: _state,
    StateReason: _reason,
    StateReasonData: _data,
    StateUpdatedTimestamp: _updated,
    StateTransitionedTimestamp: _transitioned,
    ...rest
  } = alarm;
  return rest;
}
