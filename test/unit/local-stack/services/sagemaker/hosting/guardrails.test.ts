import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  type DeploymentConfig,
  type DescribeEndpointCommandOutput
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { createSageMakerService } from '../../../../../../src/local-stack/services/sagemaker/index.js';
import { cloudWatchAlarms } from '../../../../../../src/local-stack/services/sagemaker/hosting/alarms.js';
import {
  createHosting,
  type LocalHosting
} from '../../../../../../src/local-stack/services/sagemaker/hosting/index.js';
import { createSageMakerRuntimeService } from '../../../../../../src/local-stack/services/sagemaker-runtime/index.js';
import { AwsServiceError } from '../../../../../../src/local-stack/wire/errors.js';
import { createInvoker } from '../../../../../../src/local-stack/wire/invoke.js';
import {
  combineOperations,
  wireMembers,
  type ServiceDefinition
} from '../../../../../../src/local-stack/wire/types.js';
import {
  startEndpoint,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  TEST_REGION,
  type RunningEndpoint
} from '../../../../../helpers/local-endpoint.js';
import { FakeEngine } from './fake-engine.js';

/** One DeploymentConfig second lasts this many milliseconds here. */
const SECOND_MS = 5;

/**
 * A stand-in CloudWatch (signing name `monitoring`, in-process like the real one) whose alarm states the
 * test sets: the guardrails read them through DescribeAlarms, as SageMaker does.
 */
function testCloudWatch(states: Map<string, string>, calls: string[][]): ServiceDefinition {
  return {
    protocol: 'query',
    signingName: 'monitoring',
    xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
    operations: combineOperations({
      DescribeAlarms: (input) => {
        const names = wireMembers<{ AlarmNames: string[] }>(input).AlarmNames as string[];
        calls.push(names);
        if (names.includes('denied')) {
          throw new AwsServiceError(
            'AccessDenied',
            'User is not authorized to perform: cloudwatch:DescribeAlarms',
            403
          );
        }
        return {
          MetricAlarms: names
            .filter((name) => states.has(name))
            .map((name) => ({ AlarmName: name, StateValue: states.get(name) }))
        };
      }
    })
  };
}

describe('SageMaker deployment guardrails (fake container engine, test CloudWatch)', () => {
  let endpoint: RunningEndpoint;
  let engine: FakeEngine;
  let hosting: LocalHosting;
  let sagemaker: SageMakerClient;
  let runtime: SageMakerRuntimeClient;
  let alarmStates: Map<string, string>;
  let alarmCalls: string[][];

  beforeEach(async () => {
    engine = new FakeEngine();
    alarmStates = new Map();
    alarmCalls = [];
    const services: ServiceDefinition[] = [];
    const invoke = createInvoker(services);
    endpoint = await startEndpoint((state) => {
      hosting = createHosting({
        state,
        accountId: TEST_ACCOUNT,
        engine,
        stackLabel: '/data/guardrails',
        instanceLimit: 8,
        defaultHealthCheckTimeoutSeconds: 5,
        pingIntervalMs: 10,
        alarms: cloudWatchAlarms(invoke, TEST_ACCOUNT, state),
        deploymentSecondMs: SECOND_MS,
        alarmPollMs: 5
      });
      services.push(
        createSageMakerService([hosting.operations]),
        createSageMakerRuntimeService(hosting),
        testCloudWatch(alarmStates, alarmCalls)
      );
      return services;
    });
    const config = { region: TEST_REGION, endpoint: endpoint.url, credentials: TEST_CREDENTIALS };
    sagemaker = new SageMakerClient(config);
    runtime = new SageMakerRuntimeClient(config);
  });
  afterEach(async () => {
    await hosting.controller.shutdown();
    await endpoint.close();
  });

  /** A model running `image` and a one-variant config, both named `name`. */
  const version = async (name: string, image: string, instances = 1) => {
    await sagemaker.send(new CreateModelCommand({ ModelName: name, PrimaryContainer: { Image: image } }));
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: name,
            InitialInstanceCount: instances,
            InstanceType: 'ml.m5.large'
          }
        ]
      })
    );
  };
  const describe = (name: string) => sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
  const serving = async (name: string, config: string) => {
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: config }));
    await hosting.controller.settled();
    expect((await describe(name)).EndpointStatus).toBe('InService');
  };
  const update = (name: string, config: string, deploymentConfig: DeploymentConfig) =>
    sagemaker.send(
      new UpdateEndpointCommand({
        EndpointName: name,
        EndpointConfigName: config,
        DeploymentConfig: deploymentConfig
      })
    );
  /** Describes the endpoint until `done` holds (the rollout runs in the background). */
  const until = async (
    name: string,
    done: (described: DescribeEndpointCommandOutput) => boolean
  ): Promise<DescribeEndpointCommandOutput> => {
    for (;;) {
      const described = await describe(name);
      if (done(described)) return described;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const baking = (described: DescribeEndpointCommandOutput) =>
    described.PendingDeploymentSummary?.ProductionVariants?.[0]?.VariantStatus?.[0]?.Status === 'Baking';
  const answeredBy = async (name: string) => {
    const output = await runtime.send(
      new InvokeEndpointCommand({ EndpointName: name, Body: Buffer.from('1'), ContentType: 'text/csv' })
    );
    return (JSON.parse(Buffer.from(output.Body).toString('utf8')) as { image: string }).image;
  };
  const images = (name: string) => engine.ofEndpoint(name).map((container) => container.options.image);

  it('rolls an update back when an alarm goes to ALARM during the baking period', async () => {
    await version('v1', 'repo/model:v1');
    await version('bad', 'repo/model:fail-invocations');
    await serving('ep', 'v1');

    await update('ep', 'bad', {
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 3600 },
        TerminationWaitInSeconds: 0
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'bad-errors' }] }
    });
    const bakingState = await until('ep', baking);
    expect(bakingState).toMatchObject({
      EndpointStatus: 'Updating',
      EndpointConfigName: 'v1',
      PendingDeploymentSummary: { EndpointConfigName: 'bad' }
    });
    // All traffic is on the new fleet, whose model fails every request.
    await expect(answeredBy('ep')).rejects.toMatchObject({
      name: 'ModelError',
      OriginalMessage: 'model exploded'
    });

    const release = engine.pause();
    alarmStates.set('bad-errors', 'ALARM');
    const rollingBack = await until('ep', (described) => described.EndpointStatus === 'RollingBack');
    expect(rollingBack.EndpointConfigName).toBe('v1');
    expect(await answeredBy('ep')).toBe('repo/model:v1');
    release();
    await hosting.controller.settled();

    const after = await describe('ep');
    expect(after).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'v1' });
    expect(after.FailureReason).toBe(
      'Failed to update endpoint to endpoint config bad and rolled back to endpoint config v1: ' +
        'CloudWatch alarm(s) [bad-errors] went into ALARM state during the baking period.'
    );
    expect(after.PendingDeploymentSummary).toBeUndefined();
    expect(after.LastDeploymentConfig?.AutoRollbackConfiguration?.Alarms).toEqual([
      { AlarmName: 'bad-errors' }
    ]);
    expect(images('ep')).toEqual(['repo/model:v1']);
    expect(await answeredBy('ep')).toBe('repo/model:v1');
    expect(alarmCalls).toContainEqual(['bad-errors']);
  });

  it.each([
    {
      mode: 'CANARY',
      instances: 2,
      routing: { Type: 'CANARY' as const, CanarySize: { Type: 'INSTANCE_COUNT' as const, Value: 1 } },
      shares: [0.5, 1]
    },
    {
      mode: 'LINEAR',
      instances: 4,
      routing: { Type: 'LINEAR' as const, LinearStepSize: { Type: 'CAPACITY_PERCENT' as const, Value: 25 } },
      shares: [0.25, 0.5, 0.75, 1]
    }
  ])(
    'shifts $mode traffic step by step while the alarms stay OK, then terminates the old fleet',
    async ({ instances, routing, shares }) => {
      await version('v1', 'repo/model:v1', instances);
      await version('v2', 'repo/model:v2', instances);
      await serving('ep', 'v1');
      alarmStates.set('errors', 'OK');
      const shifts: number[] = [];
      const shift = hosting.traffic.shift.bind(hosting.traffic);
      hosting.traffic.shift = (region, name, fleet, share) => {
        shifts.push(share);
        shift(region, name, fleet, share);
      };

      await update('ep', 'v2', {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { ...routing, WaitIntervalInSeconds: 2 },
          TerminationWaitInSeconds: 1
        },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'errors' }] }
      });
      await hosting.controller.settled();

      expect(shifts).toEqual(shares);
      const after = await describe('ep');
      expect(after).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'v2' });
      expect(after.FailureReason).toBeUndefined();
      expect(images('ep')).toEqual(Array.from({ length: instances }, () => 'repo/model:v2'));
      expect(alarmCalls.length).toBeGreaterThanOrEqual(shares.length);
    }
  );

  it('splits InvokeEndpoint traffic between the old and new fleet by the current share', async () => {
    await version('v1', 'repo/model:v1', 2);
    await version('v2', 'repo/model:v2', 2);
    await serving('ep', 'v1');
    await update('ep', 'v2', {
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: {
          Type: 'CANARY',
          CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 },
          WaitIntervalInSeconds: 3600
        }
      }
    });
    const canary = await until('ep', baking);
    expect(canary.PendingDeploymentSummary?.ProductionVariants?.[0]).toMatchObject({
      CurrentWeight: 0.5,
      DesiredWeight: 1,
      CurrentInstanceCount: 2
    });
    expect(canary.ProductionVariants?.[0]?.CurrentWeight).toBe(0.5);
    const answers = new Set<string>();
    while (answers.size < 2) answers.add(await answeredBy('ep'));
    expect([...answers].sort()).toEqual(['repo/model:v1', 'repo/model:v2']);

    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: 'ep' }));
    await hosting.controller.settled();
    expect(engine.ofEndpoint('ep')).toEqual([]);
  });

  it('rolls back when MaximumExecutionTimeoutInSeconds passes before the update finished', async () => {
    await version('v1', 'repo/model:v1');
    await version('v2', 'repo/model:v2');
    await serving('ep', 'v1');
    await update('ep', 'v2', {
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 3600 },
        MaximumExecutionTimeoutInSeconds: 600
      }
    });
    await hosting.controller.settled();
    const after = await describe('ep');
    expect(after).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'v1' });
    expect(after.FailureReason).toBe(
      'Failed to update endpoint to endpoint config v2 and rolled back to endpoint config v1: the deployment ' +
        'did not finish within MaximumExecutionTimeoutInSeconds (600 seconds).'
    );
    expect(images('ep')).toEqual(['repo/model:v1']);
  });

  it('ends UpdateRollbackFailed when the old fleet died before the rollback', async () => {
    await version('v1', 'repo/model:v1');
    await version('v2', 'repo/model:v2');
    await serving('ep', 'v1');
    await update('ep', 'v2', {
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 3600 }
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'errors' }] }
    });
    await until('ep', baking);
    engine.kill('repo/model:v1');
    alarmStates.set('errors', 'ALARM');
    await hosting.controller.settled();
    const after = await describe('ep');
    expect(after.EndpointStatus).toBe('UpdateRollbackFailed');
    expect(after.FailureReason).toMatch(
      /^Failed to update endpoint to endpoint config v2 \(CloudWatch alarm\(s\) \[errors\] went into ALARM state during the baking period\), and the rollback to endpoint config v1 failed: its container\(s\) \S+ no longer run\./
    );
  });

  it('rolls back when the alarms cannot be read, rather than bake unwatched', async () => {
    await version('v1', 'repo/model:v1');
    await version('v2', 'repo/model:v2');
    await serving('ep', 'v1');
    await update('ep', 'v2', {
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 3600 }
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'denied' }] }
    });
    await hosting.controller.settled();
    const after = await describe('ep');
    expect(after).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'v1' });
    expect(after.FailureReason).toContain(
      'the alarms of AutoRollbackConfiguration could not be read with cloudwatch:DescribeAlarms ' +
        '(User is not authorized to perform: cloudwatch:DescribeAlarms)'
    );
  });

  it('refuses canaries larger than half the new fleet, before anything starts', async () => {
    await version('v1', 'repo/model:v1');
    await version('v2', 'repo/model:v2');
    await serving('ep', 'v1');
    await expect(
      update('ep', 'v2', {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: {
            Type: 'CANARY',
            CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 },
            WaitIntervalInSeconds: 60
          }
        }
      })
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining(
        "CanarySize of 1 instance(s) is more than 50% of the new fleet's 1 instance(s)"
      )
    });
    expect((await describe('ep')).EndpointStatus).toBe('InService');
  });
});
