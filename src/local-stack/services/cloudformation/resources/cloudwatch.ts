import type { DescribeAlarmsCommandOutput } from '@aws-sdk/client-cloudwatch';
import type { Invoker, OperationOutput } from '../../../wire/invoke.js';
import { coerceProperties, requireProperties, type PropertyKind } from './coerce.js';
import { generatePhysicalName } from './names.js';
import { callService, isNotFound } from './service-call.js';
import type { ProvisionedResource, ResourceProvider, ResourceRequest } from './types.js';

/** CloudWatch's signing name, which the in-process invoker finds it by. */
const CLOUDWATCH = 'monitoring';

/** The numeric and boolean properties of AWS::CloudWatch::Alarm, converted as CloudFormation converts them. */
const ALARM_KINDS: Record<string, PropertyKind> = {
  ActionsEnabled: 'boolean',
  DatapointsToAlarm: 'integer',
  EvaluationPeriods: 'integer',
  Period: 'integer',
  Threshold: 'number',
  'Metrics.*.Period': 'integer',
  'Metrics.*.ReturnData': 'boolean',
  'Metrics.*.MetricStat.Period': 'integer'
};

/** The resource's properties that PutMetricAlarm takes as they are (its input has the same names). */
const ALARM_PROPERTIES = [
  'AlarmDescription',
  'ActionsEnabled',
  'OKActions',
  'AlarmActions',
  'InsufficientDataActions',
  'MetricName',
  'Namespace',
  'Statistic',
  'ExtendedStatistic',
  'Dimensions',
  'Period',
  'Unit',
  'EvaluationPeriods',
  'DatapointsToAlarm',
  'Threshold',
  'ComparisonOperator',
  'TreatMissingData',
  'EvaluateLowSampleCountPercentile',
  'Metrics',
  'ThresholdMetricId'
];

interface Tag {
  Key: string;
  Value: string;
}

/**
 * AWS::CloudWatch::Alarm as a real alarm of the local CloudWatch: Ref is the alarm's name, Fn::GetAtt Arn
 * its ARN. An update puts the alarm again under the same name (CloudWatch overwrites its configuration and
 * keeps its state) and brings its tags in line; a new AlarmName replaces it.
 */
export function createCloudWatchProviders(invoke: Invoker): Record<string, ResourceProvider> {
  const call = <Out extends object = OperationOutput>(
    request: ResourceRequest,
    operation: string,
    input: Record<string, unknown>
  ) => callService<Out>(invoke, request, CLOUDWATCH, operation, input);

  const putAlarm = async (request: ResourceRequest, name: string): Promise<ProvisionedResource> => {
    requireProperties(request.properties, ['ComparisonOperator', 'EvaluationPeriods'], request.logicalId);
    const properties = coerceProperties(request.properties, ALARM_KINDS, request.logicalId);
    const input: Record<string, unknown> = { AlarmName: name };
    for (const property of ALARM_PROPERTIES) {
      if (properties[property] !== undefined) input[property] = properties[property];
    }
    await call(request, 'PutMetricAlarm', input);
    const described = await call<DescribeAlarmsCommandOutput>(request, 'DescribeAlarms', {
      AlarmNames: [name]
    });
    return { physicalId: name, attributes: { Arn: described.MetricAlarms?.[0]?.AlarmArn } };
  };

  /** Tags apply through TagResource: PutMetricAlarm takes them on creation only, never on an update. */
  const syncTags = async (request: ResourceRequest, arn: unknown, before: Tag[]) => {
    const after = tags(request.properties['Tags']);
    const removed = before.filter((tag) => !after.some((next) => next.Key === tag.Key));
    if (removed.length > 0) {
      await call(request, 'UntagResource', { ResourceARN: arn, TagKeys: removed.map((tag) => tag.Key) });
    }
    if (after.length > 0) await call(request, 'TagResource', { ResourceARN: arn, Tags: after });
  };

  return {
    'AWS::CloudWatch::Alarm': {
      requiresReplacement: (property) => property === 'AlarmName',
      nameProperty: 'AlarmName',
      attributes: ['Arn'],
      async create(request) {
        const given = request.properties['AlarmName'];
        const name =
          typeof given === 'string' ? given : generatePhysicalName(request.stackName, request.logicalId, 255);
        request.claim({ physicalId: name, attributes: {} });
        const provisioned = await putAlarm(request, name);
        await syncTags(request, provisioned.attributes['Arn'], []);
        return provisioned;
      },
      async update(request) {
        const provisioned = await putAlarm(request, request.physicalId);
        await syncTags(request, provisioned.attributes['Arn'], tags(request.previousProperties['Tags']));
        return provisioned;
      },
      async delete(request) {
        try {
          await call(request, 'DeleteAlarms', { AlarmNames: [request.physicalId] });
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
    }
  };
}

function tags(value: unknown): Tag[] {
  return Array.isArray(value)
    ? value.map((tag: Record<string, unknown>) => ({ Key: String(tag['Key']), Value: String(tag['Value']) }))
    : [];
}
