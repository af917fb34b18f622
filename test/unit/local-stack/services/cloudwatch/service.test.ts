import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand
} from '@aws-sdk/client-cloudwatch';
import { MetricBus } from '../../../../../src/local-stack/metrics.js';
import { StateStore } from '../../../../../src/local-stack/state.js';
import { createCloudWatchService } from '../../../../../src/local-stack/services/cloudwatch/index.js';
import { AlarmEvaluator } from '../../../../../src/local-stack/services/cloudwatch/evaluator.js';
import { AlarmStore } from '../../../../../src/local-stack/services/cloudwatch/alarm-store.js';
import { MetricStore } from '../../../../../src/local-stack/services/cloudwatch/metric-store.js';
import { alarmOperations } from '../../../../../src/local-stack/services/cloudwatch/alarm-operations.js';
import { sampleSummary } from '../../../../../src/local-stack/services/cloudwatch/statistics.js';
import { createInvoker } from '../../../../../src/local-stack/wire/invoke.js';
import type { RequestContext } from '../../../../../src/local-stack/wire/types.js';
import {
  startEndpoint,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  TEST_REGION
} from '../../../../helpers/local-endpoint.js';

const DIMENSIONS = { EndpointName: 'ep', VariantName: 'AllTraffic' };
const START = Date.parse('2026-05-01T10:00:00Z');

function cloudWatch(dataDir: string, now: () => number) {
  const state = new StateStore(dataDir);
  const metrics = new MetricBus();
  const shutdown: (() => Promise<void> | void)[] = [];
  const services = createCloudWatchService(
    { state, metrics, region: TEST_REGION, onShutdown: (hook) => void shutdown.push(hook) },
    { now, tickMs: 60_000 }
  );
  const caller = { region: TEST_REGION, accountId: TEST_ACCOUNT, accessKeyId: 'AKID', state };
  const invoke = createInvoker(services);
  return {
    metrics,
    call: (operation: string, input: Record<string, unknown>) =>
      invoke('monitoring', operation, input, caller),
    stop: async () => {
      for (const hook of shutdown) await hook();
    }
  };
}

describe('CloudWatch service', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'cloudwatch-unit-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores what services publish on the metric bus, in-process, and keeps it across a restart', async () => {
    const now = () => START + 30_000;
    const first = cloudWatch(dataDir, now);
    for (const value of [0, 1, 1]) {
      first.metrics.publish({
        namespace: 'AWS/SageMaker',
        metricName: 'Invocation5XXErrors',
        dimensions: DIMENSIONS,
        value,
        unit: 'Count',
        timestamp: new Date(START + 5_000)
      });
    }
    await first.stop();

    const second = cloudWatch(dataDir, now);
    const statistics = await second.call('GetMetricStatistics', {
      Namespace: 'AWS/SageMaker',
      MetricName: 'Invocation5XXErrors',
      Dimensions: [
        { Name: 'VariantName', Value: 'AllTraffic' },
        { Name: 'EndpointName', Value: 'ep' }
      ],
      StartTime: START / 1000,
      EndTime: (START + 60_000) / 1000,
      Period: 10,
      Statistics: ['Sum', 'SampleCount']
    });
    expect(statistics['Datapoints']).toEqual([
      { Timestamp: new Date(START), Sum: 2, SampleCount: 3, Unit: 'Count' }
    ]);
    await second.stop();
  });

  it('evaluates each alarm once per period, over the periods that have ended (injected clock)', () => {
    const state = new StateStore(dataDir);
    const metrics = new MetricStore(state);
    const alarms = new AlarmStore(state);
    let now = START + 2_000;
    const evaluator = new AlarmEvaluator(alarms, metrics, () => now);
    const operations = alarmOperations(
      alarms,
      (region, name) => evaluator.reevaluate(region, name),
      () => now
    );
    const context = {
      region: TEST_REGION,
      accountId: TEST_ACCOUNT,
      requestId: 'r',
      accessKeyId: 'a',
      state
    } as RequestContext;
    operations['PutMetricAlarm']!(
      {
        AlarmName: 'errors',
        Namespace: 'AWS/SageMaker',
        MetricName: 'Invocation5XXErrors',
        Dimensions: [{ Name: 'EndpointName', Value: 'ep' }],
        Statistic: 'Sum',
        Period: 10,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching'
      },
      context
    );
    const record = (value: number, at: number) =>
      metrics.record(
        TEST_REGION,
        {
          Namespace: 'AWS/SageMaker',
          MetricName: 'Invocation5XXErrors',
          Dimensions: [{ Name: 'EndpointName', Value: 'ep' }]
        },
        new Date(at),
        'Count',
        sampleSummary(value)
      );
    const stateOf = () => alarms.get(TEST_REGION, 'errors')!.alarm.StateValue;

    evaluator.tick();
    expect(stateOf()).toBe('OK');
    // An error in the running period counts only once that period has ended.
    record(1, START + 3_000);
    now = START + 9_000;
    evaluator.tick();
    expect(stateOf()).toBe('OK');
    now = START + 10_500;
    evaluator.tick();
    expect(stateOf()).toBe('ALARM');
    // A state set by hand holds until the next period ends.
    operations['SetAlarmState']!({ AlarmName: 'errors', StateValue: 'OK', StateReason: 'by hand' }, context);
    now = START + 15_000;
    evaluator.tick();
    expect(stateOf()).toBe('OK');
    // CloudWatch looks back past a missing period for real datapoints: the error still decides.
    now = START + 20_000;
    evaluator.tick();
    expect(stateOf()).toBe('ALARM');
    // Two periods without data: notBreaching.
    now = START + 30_000;
    evaluator.tick();
    expect(stateOf()).toBe('OK');
    expect(alarms.get(TEST_REGION, 'errors')!.alarm.StateReason).toMatch(/treated as \[NonBreaching\]/);
  });

  it('answers the Query protocol in XML, and SDK v3 over JSON 1.0', async () => {
    const endpoint = await startEndpoint((state) =>
      createCloudWatchService(
        { state, metrics: new MetricBus(), region: TEST_REGION, onShutdown: () => undefined },
        { tickMs: 60_000 }
      )
    );
    try {
      const client = new CloudWatchClient({
        region: TEST_REGION,
        endpoint: endpoint.url,
        credentials: TEST_CREDENTIALS
      });
      await client.send(
        new PutMetricAlarmCommand({
          AlarmName: 'sdk',
          Namespace: 'Team/App',
          MetricName: 'Errors',
          Statistic: 'Maximum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold'
        })
      );
      const described = await client.send(new DescribeAlarmsCommand({ AlarmNames: ['sdk'] }));
      expect(described.MetricAlarms?.[0]).toMatchObject({
        AlarmName: 'sdk',
        StateValue: 'INSUFFICIENT_DATA'
      });
      expect(described.MetricAlarms?.[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
      await expect(
        client.send(new SetAlarmStateCommand({ AlarmName: 'absent', StateValue: 'OK', StateReason: 'x' }))
      ).rejects.toMatchObject({ name: 'ResourceNotFound', message: 'Alarm absent not found' });
      client.destroy();

      const query = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=sdk'
      });
      const xml = await query.text();
      expect(query.status).toBe(200);
      expect(xml).toContain(
        '<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">'
      );
      expect(xml).toMatch(/<MetricAlarms>\s*<member>[\s\S]*<AlarmName>sdk<\/AlarmName>/);
      const refused = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=PutMetricData&Version=2010-08-01&Namespace=AWS/EC2&MetricData.member.1.MetricName=x&MetricData.member.1.Value=1'
      });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain('<Code>InvalidParameterValue</Code>');
    } finally {
      await endpoint.close();
    }
  });
});
