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
# No data ever arrives and "ignore" keeps the state, so evaluations change nothing in this test.
cw.put_metric_alarm(AlarmName="tagged", Tags=[{"Key": "team", "Value": "ml"}], TreatMissingData="ignore", **base)
report = {}
first = cw.describe_alarms(AlarmNamePrefix="page-", MaxRecords=2)
second = cw.describe_alarms(AlarmNamePrefix="page-", MaxRecords=2, NextToken=first["NextToken"])
report["pages"] = [[a["AlarmName"] for a in first["MetricAlarms"]], [a["AlarmName"] for a in second["MetricAlarms"]]]
alarm = cw.describe_alarms(AlarmNames=["tagged"])["MetricAlarms"][0]
report["created"] = [alarm["StateValue"], alarm["StateReason"], alarm["AlarmArn"], alarm["ActionsEnabled"]]
cw.set_alarm_state(AlarmName="tagged", StateValue="ALARM", StateReason="testing", StateReasonData='{"why": "test"}')
report["byState"] = [a["AlarmName"] for a in cw.describe_alarms(StateValue="ALARM")["MetricAlarms"]]
cw.put_metric_alarm(AlarmName="tagged", TreatMissingData="ignore", **(base | {"Threshold": 5}))
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

  // Waits for alarm evaluations (10-second periods) on a machine that may be busy.
  it('reports InvokeEndpoint traffic as AWS/SageMaker metrics, and an alarm on server errors fires (AWS CLI)', async () => {
    const dimensions = ['Name=EndpointName,Value=traffic', 'Name=VariantName,Value=AllTraffic'];
    await python(`
import json, boto3
sm = boto3.client("sagemaker")
rt = boto3.client("sagemaker-runtime")
sm.create_model(ModelName="traffic", PrimaryContainer={"Image": "registry/tiny:v1"})
sm.create_endpoint_config(EndpointConfigName="traffic", ProductionVariants=[
    {"VariantName": "AllTraffic", "ModelName": "traffic", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])
sm.create_endpoint(EndpointName="traffic", EndpointConfigName="traffic")
sm.get_waiter("endpoint_in_service").wait(EndpointName="traffic", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
outcomes = []
for body in [b"hello", b"hello", b"hello", b"fail", b"error", b"error"]:
    try:
        rt.invoke_endpoint(EndpointName="traffic", Body=body)
        outcomes.append("ok")
    except rt.exceptions.ModelError as e:
        outcomes.append(e.response["OriginalStatusCode"])
print(json.dumps(outcomes))
`);
    const window = [
      '--start-time',
      new Date(Date.now() - 15 * 60_000).toISOString(),
      '--end-time',
      new Date(Date.now() + 5 * 60_000).toISOString(),
      '--period',
      '60'
    ];
    const total = async (metric: string, statistic: string) => {
      const answer = (await aws(
        'cloudwatch',
        'get-metric-statistics',
        '--namespace',
        'AWS/SageMaker',
        '--metric-name',
        metric,
        '--dimensions',
        ...dimensions,
        '--statistics',
        statistic,
        ...window
      )) as { Label: string; Datapoints: Record<string, number | string>[] };
      return {
        label: answer.Label,
        value: answer.Datapoints.reduce((sum, point) => sum + Number(point[statistic]), 0),
        units: [...new Set(answer.Datapoints.map((point) => point['Unit']))]
      };
    };
    expect(await total('Invocations', 'Sum')).toEqual({ label: 'Invocations', value: 6, units: ['Count'] });
    // The other metrics through boto3, in one process (each AWS CLI call starts Python afresh).
    const totals = await python(`
import json, boto3, datetime
cw = boto3.client("cloudwatch")
now = datetime.datetime.now(datetime.timezone.utc)
dims = [{"Name": "EndpointName", "Value": "traffic"}, {"Name": "VariantName", "Value": "AllTraffic"}]
def total(metric, statistic):
    points = cw.get_metric_statistics(Namespace="AWS/SageMaker", MetricName=metric, Dimensions=dims, Period=60,
        StartTime=now - datetime.timedelta(minutes=15), EndTime=now + datetime.timedelta(minutes=5), Statistics=[statistic])["Datapoints"]
    return [sum(p[statistic] for p in points), sorted({p["Unit"] for p in points})]
print(json.dumps({
    "Invocation4XXErrors": total("Invocation4XXErrors", "Sum"),
    "Invocation5XXErrors": total("Invocation5XXErrors", "Sum"),
    "Invocation5XXErrorsSampleCount": total("Invocation5XXErrors", "SampleCount"),
    "ModelLatency": total("ModelLatency", "SampleCount"),
    "OverheadLatency": total("OverheadLatency", "SampleCount")}))
`);
    expect(totals).toEqual({
      Invocation4XXErrors: [1, ['Count']],
      Invocation5XXErrors: [2, ['Count']],
      // Every invocation reports its error metrics, 0 when it succeeded, as SageMaker does.
      Invocation5XXErrorsSampleCount: [6, ['Count']],
      ModelLatency: [6, ['Microseconds']],
      OverheadLatency: [6, ['Microseconds']]
    });
    const listed = (await aws('cloudwatch', 'list-metrics', '--namespace', 'AWS/SageMaker')) as {
      Metrics: { MetricName: string }[];
    };
    expect(listed.Metrics.map((metric) => metric.MetricName).sort()).toEqual([
      'Invocation4XXErrors',
      'Invocation5XXErrors',
      'Invocations',
      'ModelLatency',
      'OverheadLatency'
    ]);

    await aws(
      'cloudwatch',
      'put-metric-alarm',
      '--alarm-name',
      'traffic-5xx',
      '--namespace',
      'AWS/SageMaker',
      '--metric-name',
      'Invocation5XXErrors',
      '--dimensions',
      ...dimensions,
      '--statistic',
      'Sum',
      '--period',
      '10',
      '--evaluation-periods',
      '1',
      '--threshold',
      '1',
      '--comparison-operator',
      'GreaterThanOrEqualToThreshold',
      '--treat-missing-data',
      'notBreaching'
    );
    // Failing traffic until the alarm fires, then good traffic until it recovers (each within a minute).
    const states = await python(`
import json, time, boto3
rt = boto3.client("sagemaker-runtime")
cw = boto3.client("cloudwatch")
def drive(body, state):
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            rt.invoke_endpoint(EndpointName="traffic", Body=body)
        except rt.exceptions.ModelError:
            pass
        alarm = cw.describe_alarms(AlarmNames=["traffic-5xx"])["MetricAlarms"][0]
        if alarm["StateValue"] == state:
            return [alarm["StateValue"], alarm["StateReason"], json.loads(alarm["StateReasonData"])]
        time.sleep(0.5)
    return [alarm["StateValue"], alarm["StateReason"]]
print(json.dumps({"failing": drive(b"error", "ALARM"), "healthy": drive(b"hello", "OK")}))
`);
    expect(states).toEqual({
      failing: [
        'ALARM',
        expect.stringMatching(
          /^Threshold Crossed: 1 datapoint \[\d+\.0 \(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\)\] was greater than or equal to the threshold \(1\.0\)\.$/
        ),
        expect.objectContaining({ version: '1.0', statistic: 'Sum', period: 10, threshold: 1 })
      ],
      healthy: [
        'OK',
        expect.stringMatching(/^Threshold Crossed: 1 datapoint \[0\.0 .*\] was not greater than or equal to/),
        expect.objectContaining({ recentDatapoints: [0] })
      ]
    });

    await aws(
      'cloudwatch',
      'set-alarm-state',
      '--alarm-name',
      'traffic-5xx',
      '--state-value',
      'ALARM',
      '--state-reason',
      'rehearsing a rollback'
    );
    // The state holds only until the alarm's next evaluation (as on CloudWatch), so read it from the history.
    const history = (await aws(
      'cloudwatch',
      'describe-alarm-history',
      '--alarm-name',
      'traffic-5xx',
      '--history-item-type',
      'StateUpdate'
    )) as { AlarmHistoryItems: { HistorySummary: string; HistoryData: string }[] };
    const transitions = history.AlarmHistoryItems.map(
      (item) =>
        JSON.parse(item.HistoryData) as {
          oldState: { stateValue: string };
          newState: { stateValue: string; stateReason: string };
        }
    );
    const rehearsal = transitions.findIndex((item) => item.newState.stateReason === 'rehearsing a rollback');
    expect(transitions[rehearsal]).toMatchObject({
      oldState: { stateValue: 'OK' },
      newState: { stateValue: 'ALARM' }
    });
    // Before it, newest first: the recovery under good traffic, and the alarm under failing traffic.
    expect(
      transitions
        .slice(rehearsal + 1, rehearsal + 3)
        .map((item) => [item.oldState.stateValue, item.newState.stateValue])
    ).toEqual([
      ['ALARM', 'OK'],
      [expect.stringMatching(/^(OK|INSUFFICIENT_DATA)$/), 'ALARM']
    ]);
  }, 400_000);

  it('makes AWS::CloudWatch::Alarm a real alarm, updated and deleted with its stack (AWS CLI)', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'cloudwatch-stack-'));
    const template = join(directory, 'alarm.yaml');
    writeFileSync(
      template,
      `
Parameters:
  Threshold: { Type: Number }
  Stage: { Type: String }
Resources:
  ErrorsAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmDescription: Server errors of the staging endpoint
      Namespace: AWS/SageMaker
      MetricName: Invocation5XXErrors
      Dimensions:
        - { Name: EndpointName, Value: staging }
        - { Name: VariantName, Value: AllTraffic }
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 2
      DatapointsToAlarm: 1
      Threshold: !Ref Threshold
      ComparisonOperator: GreaterThanOrEqualToThreshold
      TreatMissingData: notBreaching
      Tags: [{ Key: stage, Value: !Ref Stage }]
Outputs:
  Name: { Value: !Ref ErrorsAlarm }
  Arn: { Value: !GetAtt ErrorsAlarm.Arn }
`
    );
    // boto3 drives the stack (its waiters poll every second); the AWS CLI reads the alarm.
    const deploy = async (operation: 'create' | 'update', threshold: string, stage: string) => {
      await python(`
import json, boto3
cf = boto3.client("cloudformation")
cf.${operation}_stack(StackName="alarms", TemplateBody=open(${JSON.stringify(template)}).read(), Parameters=[
    {"ParameterKey": "Threshold", "ParameterValue": "${threshold}"}, {"ParameterKey": "Stage", "ParameterValue": "${stage}"}])
cf.get_waiter("stack_${operation}_complete").wait(StackName="alarms", WaiterConfig={"Delay": 1, "MaxAttempts": 60})
print(json.dumps({}))
`);
    };
    const outputs = async () => {
      const stacks = (await aws('cloudformation', 'describe-stacks', '--stack-name', 'alarms')) as {
        Stacks: { Outputs: { OutputKey: string; OutputValue: string }[] }[];
      };
      return Object.fromEntries(
        stacks.Stacks[0]!.Outputs.map((output) => [output.OutputKey, output.OutputValue])
      );
    };
    const alarm = async (name: string) =>
      (
        (await aws('cloudwatch', 'describe-alarms', '--alarm-names', name)) as {
          MetricAlarms: Record<string, unknown>[];
        }
      ).MetricAlarms;

    await deploy('create', '5', 'staging');
    const { Name: name, Arn: arn } = await outputs();
    expect(name).toMatch(/^alarms-ErrorsAlarm-[A-Z0-9]{13}$/);
    expect(arn).toBe(`arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:${name}`);
    expect(await alarm(name!)).toEqual([
      expect.objectContaining({
        AlarmArn: arn,
        Threshold: 5,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 1,
        Period: 60,
        TreatMissingData: 'notBreaching',
        StateValue: expect.stringMatching(/^(INSUFFICIENT_DATA|OK)$/)
      })
    ]);

    await deploy('update', '3', 'production');
    expect(await outputs()).toEqual({ Name: name, Arn: arn });
    expect(await alarm(name!)).toEqual([expect.objectContaining({ Threshold: 3 })]);
    expect(await aws('cloudwatch', 'list-tags-for-resource', '--resource-arn', arn!)).toEqual({
      Tags: [{ Key: 'stage', Value: 'production' }]
    });

    await python(`
import json, boto3
cf = boto3.client("cloudformation")
cf.delete_stack(StackName="alarms")
cf.get_waiter("stack_delete_complete").wait(StackName="alarms", WaiterConfig={"Delay": 1, "MaxAttempts": 60})
print(json.dumps({}))
`);
    expect(await alarm(name!)).toEqual([]);
  }, 300_000);
});
