import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateStackCommand,
  DescribeStackResourcesCommand,
  UpdateStackCommand,
  type CloudFormationClient,
  type Parameter
} from '@aws-sdk/client-cloudformation';
import { PROJECT_ROOT } from '../../../../helpers/action-runner.js';
import type { OperationInput } from '../../../../../src/local-stack/wire/types.js';
import { startCloudFormation, waitForStack, type CloudFormationHarness } from './harness.js';

/** The templates a model repository uses, deployed by the local CloudFormation over a fake SageMaker. */
const TEMPLATES = join(PROJECT_ROOT, 'action-templates', 'cloudformation');
const template = (name: string) => readFileSync(join(TEMPLATES, name), 'utf8');
const exampleParameters = JSON.parse(template('realtime-endpoint.parameters.json')) as Parameter[];

let harness: CloudFormationHarness;
let client: CloudFormationClient;
beforeEach(async () => {
  harness = await startCloudFormation();
  client = harness.client;
});
afterEach(() => harness.close());

const withValue = (parameters: Parameter[], key: string, value: string) =>
  parameters.map((parameter) =>
    parameter.ParameterKey === key ? { ...parameter, ParameterValue: value } : parameter
  );

async function resourcesOf(stackName: string) {
  const { StackResources } = await client.send(new DescribeStackResourcesCommand({ StackName: stackName }));
  return Object.fromEntries((StackResources ?? []).map((resource) => [resource.LogicalResourceId, resource]));
}

describe('shipped templates', () => {
  it('deploys the real-time endpoint with alarms and autoscaling, then rolls a new image out in place', async () => {
    await client.send(
      new CreateStackCommand({
        StackName: 'realtime',
        TemplateBody: template('realtime-endpoint.yaml'),
        Parameters: exampleParameters
      })
    );
    const created = await waitForStack(client, 'realtime');
    expect(created.StackStatus).toBe('CREATE_COMPLETE');
    const resources = await resourcesOf('realtime');
    expect(Object.keys(resources).sort()).toEqual([
      'Endpoint',
      'EndpointConfig',
      'ErrorsAlarm',
      'LatencyAlarm',
      'Model',
      'ScalableTarget',
      'ScalingPolicy'
    ]);
    expect(resources['ScalableTarget']?.PhysicalResourceId).toBe(
      'endpoint/diabetes-model-prod/variant/AllTraffic|sagemaker:variant:DesiredInstanceCount|sagemaker'
    );
    const endpoint = harness.sagemaker.calls.find((call) => call.operation === 'CreateEndpoint')!.input;
    expect(endpoint['DeploymentConfig']).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 300 },
        TerminationWaitInSeconds: 0
      },
      AutoRollbackConfiguration: {
        Alarms: [
          { AlarmName: resources['ErrorsAlarm']?.PhysicalResourceId },
          { AlarmName: resources['LatencyAlarm']?.PhysicalResourceId }
        ]
      }
    });
    const config = harness.sagemaker.calls.find((call) => call.operation === 'CreateEndpointConfig')!.input;
    expect((config['ProductionVariants'] as OperationInput[])[0]).toMatchObject({
      InitialInstanceCount: 2,
      InstanceType: 'ml.m5.large'
    });
    expect(config['DataCaptureConfig']).toBeUndefined();

    await client.send(
      new UpdateStackCommand({
        StackName: 'realtime',
        UsePreviousTemplate: true,
        Parameters: withValue(exampleParameters, 'ImageUri', 'registry/diabetes-model:next')
      })
    );
    const updated = await waitForStack(client, 'realtime');
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE');
    const after = await resourcesOf('realtime');
    expect(after['Endpoint']?.PhysicalResourceId).toBe(resources['Endpoint']?.PhysicalResourceId);
    expect(after['Model']?.PhysicalResourceId).not.toBe(resources['Model']?.PhysicalResourceId);
    expect(after['ErrorsAlarm']?.PhysicalResourceId).toBe(resources['ErrorsAlarm']?.PhysicalResourceId);
    expect(harness.sagemaker.models.size).toBe(1);
  });

  it('deploys the serverless endpoint with numeric serverless settings', async () => {
    await client.send(
      new CreateStackCommand({
        StackName: 'preview',
        TemplateBody: template('serverless-endpoint.yaml'),
        Parameters: [
          { ParameterKey: 'ImageUri', ParameterValue: 'registry/model:pr-7' },
          { ParameterKey: 'ExecutionRoleArn', ParameterValue: 'arn:aws:iam::000000000000:role/sagemaker' },
          { ParameterKey: 'EndpointName', ParameterValue: 'model-pr-7' },
          { ParameterKey: 'MemorySizeInMB', ParameterValue: '1024' }
        ]
      })
    );
    const stack = await waitForStack(client, 'preview');
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack.Outputs?.find((output) => output.OutputKey === 'EndpointName')?.OutputValue).toBe(
      'model-pr-7'
    );
    const config = harness.sagemaker.calls.find((call) => call.operation === 'CreateEndpointConfig')!.input;
    expect((config['ProductionVariants'] as OperationInput[])[0]?.['ServerlessConfig']).toEqual({
      MemorySizeInMB: 1024,
      MaxConcurrency: 5
    });
  });
});
