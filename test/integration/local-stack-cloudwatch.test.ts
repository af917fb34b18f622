import { jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricBus } from '../../src/local-stack/metrics.js';
import { createCloudFormationService } from '../../src/local-stack/services/cloudformation/index.js';
import { createCloudWatchService } from '../../src/local-stack/services/cloudwatch/index.js';
import { createSageMakerService } from '../../src/local-stack/services/sagemaker/index.js';
import { createHosting, type LocalHosting } from '../../src/local-stack/services/sagemaker/hosting/index.js';
import { createSageMakerRuntimeService } from '../../src/local-stack/services/sagemaker-runtime/index.js';
import { createInvoker } from '../../src/local-stack/wire/invoke.js';
import type { ServiceDefinition } from '../../src/local-stack/wire/types.js';
import {
  startEndpoint,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  TEST_REGION,
  type RunningEndpoint
} from '../helpers/local-endpoint.js';
import { runProgram } from '../helpers/local-stack.js';
import { FakeEngine } from '../unit/local-stack/services/sagemaker/hosting/fake-engine.js';

jest.setTimeout(180_000);

/**
 * The local CloudWatch through clients we did not write: boto3 and the AWS CLI (both send JSON 1.0 with
 * X-Amz-Target GraniteServiceVersion20100801.*, as botocore's model prefers). Metrics come from real
 * InvokeEndpoint traffic to endpoints whose containers the fake engine runs in-process.
 */
describe('local CloudWatch through boto3 and the AWS CLI', () => {
  let endpoint: RunningEndpoint;
  let hosting: LocalHosting;
  let env: Record<string, string>;
  const shutdown: (() => Promise<void> | void)[] = [];
  const aws = async (...args: string[]) => {
    const run = await runProgram('aws', [...args, '--output', 'json'], { env });
    if (run.code !== 0) throw new Error(`aws ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout.trim() === '' ? {} : (JSON.parse(run.stdout) as Record<string, unknown>);
  };
  const python = async (script: string) => {
    const run = await runProgram('python3', ['-c', script], { env });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  beforeAll(async () => {
    const metrics = new MetricBus();
    endpoint = await startEndpoint((state) => {
      hosting = createHosting({
        state,
        accountId: TEST_ACCOUNT,
        engine: new FakeEngine(),
        stackLabel: '/data/cloudwatch',
        instanceLimit: 4,
        defaultHealthCheckTimeoutSeconds: 1,
        pingIntervalMs: 20
      });
      const services: ServiceDefinition[] = [
        createSageMakerService([hosting.operations]),
        createSageMakerRuntimeService(hosting, metrics),
        ...createCloudWatchService(
          { state, metrics, region: TEST_REGION, onShutdown: (hook) => void shutdown.push(hook) },
          { tickMs: 250 }
        )
      ];
      services.push(
        createCloudFormationService({ state, invoke: createInvoker(services), pollIntervalMs: 5 }).service
      );
      return services;
    });
    env = {
      AWS_ENDPOINT_URL: endpoint.url,
      AWS_DEFAULT_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey
    };
  });
  afterAll(async () => {
    for (const hook of shutdown) await hook();
    await hosting.controller.shutdown();
    await endpoint.close();
  });

  it('stores custom metrics and answers statistics, percentiles and metric lists through boto3', async () => {
    const report = await python(`
import json, boto3, datetime
from botocore.exceptions import ClientError
cw = boto3.client("cloudwatch")
def error(call, **kwargs):
    try:
        call(**kwargs)
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
minute = now.replace(second=0) - datetime.timedelta(minutes=2)
dims = [{"Name": "Model", "Value": "tiny"}]
cw.put_metric_data(Namespace="Modelship/Test", MetricData=[
    {"MetricName": "Latency", "Dimensions": dims, "Timestamp": minute, "Values": [1, 2, 3, 100], "Counts": [50, 30, 19, 1], "Unit": "Milliseconds"},
    {"MetricName": "Latency", "Dimensions": dims, "Timestamp": minute + datetime.timedelta(seconds=20), "Value": 4, "Unit": "Milliseconds"},
    {"MetricName": "Batch", "Dimensions": dims, "Timestamp": minute, "StatisticValues": {"SampleCount": 4, "Sum": 10, "Minimum": 1, "Maximum": 4}},
    {"MetricName": "Fine", "Timestamp": now - datetime.timedelta(seconds=30), "Value": 7, "StorageResolution": 1},
])
report = {}
stats = cw.get_metric_statistics(Namespace="Modelship/Test", MetricName="Latency", Dimensions=dims,
    StartTime=minute - datetime.timedelta(minutes=1), EndTime=now, Period=60,
    Statistics=["SampleCount", "Sum", "Minimum", "Maximum", "Average"], ExtendedStatistics=["p50", "p99", "p100"])
report["latency"] = [{k: v for k, v in p.items() if k != "Timestamp"} | {"at": p["Timestamp"] == minute} for p in stats["Datapoints"]]
report["batch"] = [[p["Sum"], p["Average"], p.get("ExtendedStatistics")] for p in cw.get_metric_statistics(
    Namespace="Modelship/Test", MetricName="Batch", Dimensions=dims, StartTime=minute, EndTime=now, Period=60,
    Statistics=["Sum", "Average"], ExtendedStatistics=["p90"])["Datapoints"]]
report["otherDimensions"] = cw.get_metric_statistics(Namespace="Modelship/Test", MetricName="Latency",
    StartTime=minute, EndTime=now, Period=60, Statistics=["Sum"])["Datapoints"]
data = cw.get_metric_data(StartTime=minute, EndTime=now, ScanBy="TimestampAscending", MetricDataQueries=[
    {"Id": "fine", "MetricStat": {"Metric": {"Namespace": "Modelship/Test", "MetricName": "Fine"}, "Period": 1, "Stat": "Maximum"}},
    {"Id": "p", "Label": "median", "MetricStat": {"Metric": {"Namespace": "Modelship/Test", "MetricName": "Latency", "Dimensions": dims}, "Period": 60, "Stat": "p50"}}])
report["data"] = [[r["Id"], r["Label"], r["Values"], r["StatusCode"]] for r in data["MetricDataResults"]]
report["list"] = sorted([m["MetricName"], m["Dimensions"]] for m in cw.list_metrics(Namespace="Modelship/Test")["Metrics"])
report["filtered"] = [m["MetricName"] for m in cw.list_metrics(Dimensions=[{"Name": "Model"}], MetricName="Batch")["Metrics"]]
report["reserved"] = error(cw.put_metric_data, Namespace="AWS/SageMaker", MetricData=[{"MetricName": "Invocations", "Value": 1}])
report["both"] = error(cw.put_metric_data, Namespace="Modelship/Test", MetricData=[{"MetricName": "x", "Value": 1, "Values": [1]}])
report["counts"] = error(cw.put_metric_data, Namespace="Modelship/Test", MetricData=[{"MetricName": "x", "Values": [1, 2], "Counts": [1]}])
report["tooMany"] = error(cw.get_metric_statistics, Namespace="Modelship/Test", MetricName="Latency",
    StartTime=now - datetime.timedelta(days=2), EndTime=now, Period=60, Statistics=["Sum"])
report["period"] = error(cw.get_metric_statistics, Namespace="Modelship/Test", MetricName="Latency",
    StartTime=minute, EndTime=now, Period=45, Statistics=["Sum"])
print(json.dumps(report))
`);
    expect(report).toEqual({
      latency: [
        {
          SampleCount: 101,
          Sum: 50 + 60 + 57 + 100 + 4,
          Minimum: 1,
          Maximum: 100,
          Average: 271 / 101,
          ExtendedStatistics: { p50: 2, p99: 4, p100: 100 },
          Unit: 'Milliseconds',
          at: true
        }
      ],
      // A StatisticSet has no values, so its percentiles are unknown.
      batch: [[10, 2.5, null]],
      otherDimensions: [],
      data: [
        ['fine', 'Fine', [7], 'Complete'],
        ['p', 'median', [2], 'Complete']
      ],
      list: [
        ['Batch', [{ Name: 'Model', Value: 'tiny' }]],
        ['Fine', []],
        ['Latency', [{ Name: 'Model', Value: 'tiny' }]]
      ],
      filtered: ['Batch'],
      reserved: ['InvalidParameterValue', 400],
      both: ['InvalidParameterCombination', 400],
      counts: ['InvalidParameterValue', 400],
      tooMany: ['InvalidParameterCombination', 400],
      period: ['InvalidParameterValue', 400]
    });
  });

  it('manages alarms, their history and tags through boto3', async () => {
    const report = await python(`
import json, boto3
from botocore.exceptions import ClientError
cw = boto3.client("cloudwatch")
def error(call, **kwargs):
    try:
        call(**kwargs)
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
base = {"Namespace": "Modelship/Alarms", "MetricName": "Errors", "Statistic": "Sum", "Period": 60,
        "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold"}
for index in range(5):
    cw.put_metric_alarm(AlarmName=f"page-{index}", **base)
cw.put_metric_alarm(AlarmName="tagged", Tags=[{"Key": "team", "Value": "ml"}], **base)
report = {}
first = cw.describe_alarms(AlarmNamePrefix="page-", MaxRecords=2)
second = cw.describe_alarms(AlarmNamePrefix="page-", MaxRecords=2, NextToken=first["NextToken"])
report["pages"] = [[a["AlarmName"] for a in first["MetricAlarms"]], [a["AlarmName"] for a in second["MetricAlarms"]]]
alarm = cw.describe_alarms(AlarmNames=["tagged"])["MetricAlarms"][0]
report["created"] = [alarm["StateValue"], alarm["StateReason"], alarm["AlarmArn"], alarm["ActionsEnabled"]]
cw.set_alarm_state(AlarmName="tagged", StateValue="ALARM", StateReason="testing", StateReasonData='{"why": "test"}')
report["byState"] = [a["AlarmName"] for a in cw.describe_alarms(StateValue="ALARM")["MetricAlarms"]]
cw.put_metric_alarm(AlarmName="tagged", **(base | {"Threshold": 5}))
alarm = cw.describe_alarms(AlarmNames=["tagged"])["MetricAlarms"][0]
report["updated"] = [alarm["Threshold"], alarm["StateValue"]]
history = cw.describe_alarm_history(AlarmName="tagged")["AlarmHistoryItems"]
report["history"] = [[h["HistoryItemType"], h["HistorySummary"]] for h in history]
arn = alarm["AlarmArn"]
cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "stage", "Value": "prod"}])
cw.untag_resource(ResourceARN=arn, TagKeys=["team"])
report["tags"] = cw.list_tags_for_resource(ResourceARN=arn)["Tags"]
cw.disable_alarm_actions(AlarmNames=["tagged"])
report["actions"] = cw.describe_alarms(AlarmNames=["tagged"])["MetricAlarms"][0]["ActionsEnabled"]
report["badReasonData"] = error(cw.set_alarm_state, AlarmName="tagged", StateValue="OK", StateReason="x", StateReasonData="{")
report["unknownState"] = error(cw.set_alarm_state, AlarmName="absent", StateValue="OK", StateReason="x")
report["unknownTags"] = error(cw.list_tags_for_resource, ResourceARN=arn + "-absent")
report["datapoints"] = error(cw.put_metric_alarm, AlarmName="bad", **(base | {"DatapointsToAlarm": 2}))
report["period"] = error(cw.put_metric_alarm, AlarmName="bad", **(base | {"Period": 45}))
report["both"] = error(cw.describe_alarms, AlarmNames=["a"], AlarmNamePrefix="a")
report["token"] = error(cw.describe_alarms, NextToken="forged")
cw.delete_alarms(AlarmNames=["page-0", "page-1", "page-2", "page-3", "page-4"])
report["left"] = [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]]
report["deleteMissing"] = error(cw.delete_alarms, AlarmNames=["page-0"])
print(json.dumps(report))
`);
    expect(report).toEqual({
      pages: [
        ['page-0', 'page-1'],
        ['page-2', 'page-3']
      ],
      created: [
        'INSUFFICIENT_DATA',
        'Unchecked: Initial alarm creation',
        `arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:tagged`,
        true
      ],
      byState: ['tagged'],
      updated: [5, 'ALARM'],
      history: [
        ['ConfigurationUpdate', 'Alarm "tagged" updated'],
        ['StateUpdate', 'Alarm updated from INSUFFICIENT_DATA to ALARM'],
        ['ConfigurationUpdate', 'Alarm "tagged" created']
      ],
      tags: [{ Key: 'stage', Value: 'prod' }],
      actions: false,
      badReasonData: ['InvalidFormat', 400],
      unknownState: ['ResourceNotFound', 404],
      unknownTags: ['ResourceNotFoundException', 404],
      datapoints: ['InvalidParameterCombination', 400],
      period: ['InvalidParameterValue', 400],
      both: ['InvalidParameterCombination', 400],
      token: ['InvalidNextToken', 400],
      left: ['tagged'],
      deleteMissing: ['ResourceNotFound', 404]
    });
  });
});
