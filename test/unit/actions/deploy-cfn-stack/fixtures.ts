import type { Change, DescribeChangeSetOutput, Stack, StackEvent } from '@aws-sdk/client-cloudformation';
import type { Clock } from '../../../../src/lib/clock.js';
import type { DeployRequest, Engine } from '../../../../src/actions/deploy-cfn-stack/types.js';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';

/**
 * Response shapes as CloudFormation returns them (members and formats from botocore's
 * cloudformation/2010-05-15/service-2.json), built per test with only the values that matter varying.
 */
export const STACK_NAME = 'diabetes-model-prod';
export const STACK_ID = `arn:aws:cloudformation:us-east-1:123456789012:stack/${STACK_NAME}/5b6f3a40-8c1f-11ef-9c2e-0affd3c1f6b9`;
export const CHANGE_SET_ID = `arn:aws:cloudformation:us-east-1:123456789012:changeSet/modelship-3f2c1a9d07e1-m3x1/0b9e1c52-1a6e-4c1e-9d55-5d9c0e2b7f10`;
export const ENDPOINT_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/diabetes-model-prod';

export function stack(status: string, extra: Partial<Stack> = {}): Stack {
  return {
    StackId: STACK_ID,
    StackName: STACK_NAME,
    CreationTime: new Date('2026-11-20T10:00:00.000Z'),
    StackStatus: status as Stack['StackStatus'],
    DisableRollback: false,
    NotificationARNs: [],
    Tags: [],
    EnableTerminationProtection: false,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
    Outputs: [
      {
        OutputKey: 'EndpointName',
        OutputValue: 'diabetes-model-prod',
        Description: 'The endpoint to invoke.'
      },
      { OutputKey: 'EndpointArn', OutputValue: ENDPOINT_ARN }
    ],
    ...extra
  };
}

/** What DescribeStacks answers for a stack that does not exist (HTTP 400, code ValidationError). */
export function stackMissing(name = STACK_NAME): Error {
  const error = new Error(`Stack with id ${name} does not exist`);
  error.name = 'ValidationError';
  return error;
}

export function serviceError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

let eventNumber = 0;

export function event(
  logicalId: string,
  status: string,
  extra: Partial<StackEvent> = {},
  time = new Date('2026-11-23T08:00:00.000Z')
): StackEvent {
  eventNumber += 1;
  const isStack = logicalId === STACK_NAME;
  return {
    StackId: STACK_ID,
    EventId: isStack ? `${eventNumber}-${status}` : `${logicalId}-${status}-${eventNumber}`,
    StackName: STACK_NAME,
    LogicalResourceId: logicalId,
    PhysicalResourceId: isStack ? STACK_ID : '',
    ResourceType: isStack ? 'AWS::CloudFormation::Stack' : resourceType(logicalId),
    Timestamp: time,
    ResourceStatus: status as StackEvent['ResourceStatus'],
    ...extra
  };
}

function resourceType(logicalId: string): string {
  if (logicalId === 'Endpoint') return 'AWS::SageMaker::Endpoint';
  if (logicalId === 'EndpointConfig') return 'AWS::SageMaker::EndpointConfig';
  if (logicalId === 'Model') return 'AWS::SageMaker::Model';
  return 'AWS::CloudWatch::Alarm';
}

/** Events as DescribeStackEvents lists them: newest first. */
export function newestFirst(...events: StackEvent[]): { StackEvents: StackEvent[] } {
  return { StackEvents: [...events].reverse() };
}

export function change(
  action: 'Add' | 'Modify' | 'Remove',
  logicalId: string,
  replacement?: 'True' | 'False' | 'Conditional'
): Change {
  return {
    Type: 'Resource',
    ResourceChange: {
      Action: action,
      LogicalResourceId: logicalId,
      ResourceType: resourceType(logicalId),
      Scope: action === 'Modify' ? ['Properties'] : [],
      Details: [],
      ...(replacement !== undefined && { Replacement: replacement }),
      ...(action !== 'Add' && { PhysicalResourceId: `${logicalId}-physical` })
    }
  };
}

export function changeSet(
  status: 'CREATE_PENDING' | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE' | 'FAILED',
  extra: Partial<DescribeChangeSetOutput> = {}
): DescribeChangeSetOutput {
  return {
    ChangeSetName: 'modelship-3f2c1a9d07e1-m3x1',
    ChangeSetId: CHANGE_SET_ID,
    StackId: STACK_ID,
    StackName: STACK_NAME,
    CreationTime: new Date('2026-11-23T08:00:00.000Z'),
    ExecutionStatus: status === 'CREATE_COMPLETE' ? 'AVAILABLE' : 'UNAVAILABLE',
    Status: status,
    Changes: [],
    ...extra
  };
}

/** A clock whose sleeps return at once and advance time: waits are instant and their lengths recorded. */
export function fakeClock(start = 1_000_000): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    }
  };
}

export function collectingLog() {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    info: (line: string) => lines.push(line),
    warning: (line: string) => warnings.push(line)
  };
}

export function testEngine(overrides: Partial<Engine> = {}) {
  const log = collectingLog();
  const clock = fakeClock();
  const config = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } };
  let tokens = 0;
  const engine: Engine = {
    cloudformation: new CloudFormationClient(config),
    sagemaker: async () => new SageMakerClient(config),
    s3: async () => new S3Client(config),
    region: 'us-east-1',
    clock,
    log,
    token: () => `token-${++tokens}`,
    ...overrides
  };
  return { engine, log, clock };
}

export const TEMPLATE_BODY = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';

export function deployRequest(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    stackName: STACK_NAME,
    template: { path: '/repo/stack.yaml', body: TEMPLATE_BODY },
    parameters: [
      { ParameterKey: 'ImageUri', ParameterValue: '123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1' }
    ],
    capabilities: [],
    tags: [{ Key: 'modelship:commit', Value: '3f2c1a9d07e1' }],
    notificationArns: [],
    onFailure: 'ROLLBACK',
    recreateFailedStack: false,
    waitForEndpoints: false,
    changeSetName: 'modelship-3f2c1a9d07e1-m3x1',
    description: 'modelship deploy-cfn-stack of acme/model@3f2c1a9d07e1',
    ...overrides
  };
}
