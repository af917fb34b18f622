import {
  parseDeploymentConfig,
  planRollout
} from '../../../../../../src/local-stack/services/sagemaker/hosting/deployment-config.js';

const blueGreen = (routing: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: routing, ...extra }
});

describe('deployment guardrails: DeploymentConfig', () => {
  it.each([
    {
      name: 'ALL_AT_ONCE shifts once and bakes WaitIntervalInSeconds',
      config: blueGreen({ Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 30 }, { TerminationWaitInSeconds: 5 }),
      instances: 1,
      plan: { steps: [1], bakeSeconds: 30, terminationWaitSeconds: 5 }
    },
    {
      name: 'CANARY by instance count',
      config: blueGreen({
        Type: 'CANARY',
        WaitIntervalInSeconds: 10,
        CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 }
      }),
      instances: 4,
      plan: { steps: [0.25, 1], bakeSeconds: 10, terminationWaitSeconds: 0 }
    },
    {
      name: 'CANARY by capacity percent',
      config: blueGreen({
        Type: 'CANARY',
        WaitIntervalInSeconds: 10,
        CanarySize: { Type: 'CAPACITY_PERCENT', Value: 30 }
      }),
      instances: 1,
      plan: { steps: [0.3, 1] }
    },
    {
      name: 'LINEAR by instance count',
      config: blueGreen({
        Type: 'LINEAR',
        WaitIntervalInSeconds: 10,
        LinearStepSize: { Type: 'INSTANCE_COUNT', Value: 1 }
      }),
      instances: 4,
      plan: { steps: [0.25, 0.5, 0.75, 1] }
    },
    {
      name: 'LINEAR by a percentage that does not divide 100',
      config: blueGreen({
        Type: 'LINEAR',
        WaitIntervalInSeconds: 10,
        LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 40 }
      }),
      instances: 2,
      plan: { steps: [0.4, 0.8, 1] }
    },
    {
      name: 'the alarms and timeout of the policy',
      config: {
        ...blueGreen(
          { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
          { MaximumExecutionTimeoutInSeconds: 900 }
        ),
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'errors' }, { AlarmName: 'latency' }] }
      },
      instances: 1,
      plan: { steps: [1], alarmNames: ['errors', 'latency'], maximumExecutionSeconds: 900 }
    },
    {
      name: 'RollingUpdatePolicy batches',
      config: {
        RollingUpdatePolicy: {
          MaximumBatchSize: { Type: 'INSTANCE_COUNT', Value: 1 },
          WaitIntervalInSeconds: 5
        }
      },
      instances: 2,
      plan: { steps: [0.5, 1], bakeSeconds: 5 }
    }
  ])('plans $name', ({ config, instances, plan }) => {
    expect(planRollout(parseDeploymentConfig(config), instances)).toMatchObject(plan);
  });

  it('shifts all at once without baking when there is no DeploymentConfig', () => {
    expect(planRollout(undefined, 3)).toEqual({
      steps: [1],
      bakeSeconds: 0,
      terminationWaitSeconds: 0,
      alarmNames: []
    });
  });

  it.each([
    {
      config: blueGreen({
        Type: 'CANARY',
        WaitIntervalInSeconds: 1,
        CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 }
      }),
      instances: 1,
      message: 'CanarySize of 1 instance(s) is more than 50% of the new fleet'
    },
    {
      config: blueGreen({
        Type: 'LINEAR',
        WaitIntervalInSeconds: 1,
        LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 60 }
      }),
      instances: 4,
      message: 'LinearStepSize of 60% must be 10-50%'
    },
    {
      config: blueGreen({
        Type: 'LINEAR',
        WaitIntervalInSeconds: 1,
        LinearStepSize: { Type: 'INSTANCE_COUNT', Value: 1 }
      }),
      instances: 20,
      message: 'LinearStepSize of 1 instance(s) must be 10-50%'
    }
  ])('refuses sizes out of SageMaker’s bounds: $message', ({ config, instances, message }) => {
    expect(() => planRollout(parseDeploymentConfig(config), instances)).toThrow(message);
  });

  it.each([
    {
      config: blueGreen({ Type: 'SOMETIMES', WaitIntervalInSeconds: 1 }),
      message: 'enum value set: [ALL_AT_ONCE, CANARY, LINEAR]'
    },
    {
      config: blueGreen({ Type: 'ALL_AT_ONCE' }),
      message:
        "Value null at 'deploymentConfig.blueGreenUpdatePolicy.trafficRoutingConfiguration.waitIntervalInSeconds'"
    },
    {
      config: blueGreen({ Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 3601 }),
      message: 'Member must have value between 0 and 3600'
    },
    {
      config: blueGreen({ Type: 'CANARY', WaitIntervalInSeconds: 1 }),
      message: 'CanarySize is required with traffic routing type CANARY'
    },
    {
      config: blueGreen({
        Type: 'ALL_AT_ONCE',
        WaitIntervalInSeconds: 1,
        LinearStepSize: { Type: 'INSTANCE_COUNT', Value: 1 }
      }),
      message: 'LinearStepSize is not allowed with traffic routing type ALL_AT_ONCE'
    },
    {
      config: blueGreen({
        Type: 'CANARY',
        WaitIntervalInSeconds: 1,
        CanarySize: { Type: 'CAPACITY_PERCENT', Value: 0 }
      }),
      message: 'Member must have value greater than or equal to 1'
    },
    {
      config: blueGreen(
        { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 1 },
        { MaximumExecutionTimeoutInSeconds: 60 }
      ),
      message: 'Member must have value between 600 and 28800'
    },
    {
      config: { AutoRollbackConfiguration: { Alarms: [] } },
      message: "Value at 'deploymentConfig.autoRollbackConfiguration.alarms'"
    },
    {
      config: {
        ...blueGreen({ Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 1 }),
        RollingUpdatePolicy: {
          MaximumBatchSize: { Type: 'INSTANCE_COUNT', Value: 1 },
          WaitIntervalInSeconds: 1
        }
      },
      message: 'either a BlueGreenUpdatePolicy or a RollingUpdatePolicy, not both'
    }
  ])('refuses malformed configs: $message', ({ config, message }) => {
    expect(() => parseDeploymentConfig(config)).toThrow(message);
  });
});
