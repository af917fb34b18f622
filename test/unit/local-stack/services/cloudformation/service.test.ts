import { execFileSync } from 'node:child_process';
import type {
  DescribeStacksCommandOutput,
  ListStackResourcesCommandOutput
} from '@aws-sdk/client-cloudformation';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { createCloudFormationService } from '../../../../../src/local-stack/services/cloudformation/index.js';
import { StateStore } from '../../../../../src/local-stack/state.js';
import { AwsServiceError } from '../../../../../src/local-stack/wire/errors.js';
import {
  createInvoker,
  type CallerContext,
  type OperationOutput
} from '../../../../../src/local-stack/wire/invoke.js';
import type { ServiceDefinition } from '../../../../../src/local-stack/wire/types.js';
import { createFakeSageMaker } from './fake-sagemaker.js';

/** CloudFormation called in-process through the invoker, as another local service would call it. */
function inProcess(dataDir: string, pollIntervalMs = 5, sagemaker = createFakeSageMaker()) {
  const state = new StateStore(dataDir);
  const services: ServiceDefinition[] = [sagemaker.service];
  const invoke = createInvoker(services);
  const cloudformation = createCloudFormationService({ state, invoke, pollIntervalMs });
  services.push(cloudformation.service);
  const caller: CallerContext = {
    region: 'us-east-1',
    accountId: '000000000000',
    accessKeyId: 'AKID',
    state
  };
  return {
    sagemaker,
    settled: cloudformation.settled,
    call: <Out extends object = OperationOutput>(operation: string, input: Record<string, unknown> = {}) =>
      invoke<Out>('cloudformation', operation, input, caller)
  };
}

const ENDPOINT_STACK = `
Resources:
  Model: { Type: AWS::SageMaker::Model, Properties: { ExecutionRoleArn: r, PrimaryContainer: { Image: img } } }
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants: [{ VariantName: v, ModelName: !GetAtt Model.ModelName, InitialInstanceCount: 1, InstanceType: t }]
  Endpoint: { Type: AWS::SageMaker::Endpoint, Properties: { EndpointConfigName: !GetAtt Config.EndpointConfigName } }
Outputs:
  Name: { Value: !GetAtt Endpoint.EndpointName }
`;

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'modelship-cfn-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function statusOf(call: ReturnType<typeof inProcess>['call'], name: string) {
  const { Stacks } = await call<DescribeStacksCommandOutput>('DescribeStacks', { StackName: name });
  return Stacks![0]!;
}

describe('the in-process invoker', () => {
  const echo: ServiceDefinition = {
    protocol: 'json',
    signingName: 'echo',
    targetPrefix: 'Echo_20260101',
    jsonVersion: '1.1',
    operations: {
      Echo: (input, context) => ({
        input,
        region: context.region,
        requestId: context.requestId,
        at: new Date(0)
      }),
      Fail: () => {
        throw new AwsServiceError('ResourceNotFound', 'no such thing', 404);
      },
      Crash: () => {
        throw new TypeError('boom');
      }
    }
  };
  const invoke = createInvoker([echo]);
  const caller = { region: 'eu-west-1', accountId: '1', accessKeyId: 'AKID', state: {} as StateStore };

  it('finds a service by target prefix or signing name and passes a copy of the input', async () => {
    const input = { list: [1, 2], nested: { a: 'b' } };
    const output = await invoke('Echo_20260101', 'Echo', input, caller);
    expect(output['input']).toEqual(input);
    expect(output['input']).not.toBe(input);
    expect(output['region']).toBe('eu-west-1');
    expect(output['requestId']).toMatch(/^[0-9a-f-]{36}$/);
    expect((output['at'] as Date).getTime()).toBe(0);
    expect((await invoke('echo', 'Echo', {}, caller))['input']).toEqual({});
  });

  it('keeps service errors as they are and turns anything else into InternalFailure', async () => {
    await expect(invoke('echo', 'Fail', {}, caller)).rejects.toMatchObject({
      code: 'ResourceNotFound',
      status: 404,
      message: 'no such thing'
    });
    await expect(invoke('echo', 'Crash', {}, caller)).rejects.toMatchObject({
      code: 'InternalFailure',
      status: 500,
      message: 'boom'
    });
    await expect(invoke('echo', 'Nope', {}, caller)).rejects.toMatchObject({
      code: 'UnknownOperationException',
      message: 'The local stack does not implement echo Nope'
    });
    await expect(invoke('sqs', 'SendMessage', {}, caller)).rejects.toMatchObject({
      message: 'The local stack has no service sqs'
    });
  });
});

describe('restart', () => {
  it('marks a stack that was creating when the local stack stopped as CREATE_FAILED, with its resources', async () => {
    const first = inProcess(dataDir);
    first.sagemaker.hold = true;
    await first.call('CreateStack', { StackName: 'interrupted', TemplateBody: ENDPOINT_STACK });
    while (first.sagemaker.calls.every((call) => call.operation !== 'DescribeEndpoint')) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    const second = inProcess(dataDir);
    const stack = await statusOf(second.call, 'interrupted');
    expect(stack.StackStatus).toBe('CREATE_FAILED');
    expect(stack.StackStatusReason).toMatch(/^The local stack stopped while this operation was in progress/);
    const { StackResourceSummaries } = await second.call<ListStackResourcesCommandOutput>(
      'ListStackResources',
      {
        StackName: 'interrupted'
      }
    );
    expect(StackResourceSummaries!.map((resource) => resource.ResourceStatus)).toEqual([
      'CREATE_COMPLETE',
      'CREATE_COMPLETE',
      'CREATE_FAILED'
    ]);
    await second.call('DeleteStack', { StackName: 'interrupted' });
    await second.settled();
    first.sagemaker.hold = false;
    await first.settled();
  });
});

describe('restart during a failed rollback', () => {
  it('keeps what the rollback returns to, so ContinueUpdateRollback finishes it after a restart', async () => {
    const first = inProcess(dataDir);
    await first.call('CreateStack', { StackName: 'resumed', TemplateBody: ENDPOINT_STACK });
    await first.settled();
    const { sagemaker } = first;
    const servingConfig = [...sagemaker.configs.keys()][0];
    sagemaker.hold = true;
    await first.call('UpdateStack', {
      StackName: 'resumed',
      TemplateBody: ENDPOINT_STACK.replace('Image: img', 'Image: img2')
    });
    while (!sagemaker.calls.some((call) => call.operation === 'UpdateEndpoint')) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    sagemaker.unavailable.add('DescribeEndpoint');
    await first.settled();
    expect((await statusOf(first.call, 'resumed')).StackStatus).toBe('UPDATE_ROLLBACK_FAILED');

    sagemaker.unavailable.clear();
    sagemaker.hold = false;
    const second = inProcess(dataDir, 5, sagemaker);
    await second.call('ContinueUpdateRollback', { StackName: 'resumed' });
    await second.settled();
    expect((await statusOf(second.call, 'resumed')).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect([...sagemaker.configs.keys()]).toEqual([servingConfig]);
    expect(sagemaker.models.size).toBe(1);
    const { TemplateBody } = await second.call('GetTemplate', { StackName: 'resumed' });
    expect(TemplateBody).toBe(ENDPOINT_STACK);
  });
});

describe('a rollback whose cleanup fails', () => {
  it('keeps what is left to delete, so ContinueUpdateRollback deletes it once SageMaker answers', async () => {
    const service = inProcess(dataDir);
    await service.call('CreateStack', { StackName: 'leftovers', TemplateBody: ENDPOINT_STACK });
    await service.settled();
    const { sagemaker } = service;
    const [servingModel] = [...sagemaker.models.keys()];
    sagemaker.unavailable.add('DeleteModel');
    await service.call('UpdateStack', {
      StackName: 'leftovers',
      TemplateBody: ENDPOINT_STACK.replace('Image: img', 'Image: broken')
    });
    await service.settled();
    const failed = await statusOf(service.call, 'leftovers');
    expect(failed.StackStatus).toBe('UPDATE_ROLLBACK_FAILED');
    expect(failed.StackStatusReason).toBe('The following resource(s) failed to delete: [Model]. ');
    expect(sagemaker.models.size).toBe(2);

    sagemaker.unavailable.clear();
    await service.call('ContinueUpdateRollback', { StackName: 'leftovers' });
    await service.settled();
    expect((await statusOf(service.call, 'leftovers')).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect([...sagemaker.models.keys()]).toEqual([servingModel]);
  });
});

describe('TimeoutInMinutes', () => {
  afterEach(() => jest.useRealTimers());

  it('cancels a create that outlasts the timeout and rolls it back', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const service = inProcess(dataDir, 1000);
    service.sagemaker.hold = true;
    await service.call('CreateStack', {
      StackName: 'slow',
      TemplateBody: ENDPOINT_STACK,
      TimeoutInMinutes: '1'
    });
    await jest.advanceTimersByTimeAsync(61_000);
    service.sagemaker.hold = false;
    await jest.advanceTimersByTimeAsync(10_000);
    await service.settled();
    expect((await statusOf(service.call, 'slow')).StackStatus).toBe('ROLLBACK_COMPLETE');
    const { StackEvents } = await service.call('DescribeStackEvents', { StackName: 'slow' });
    expect(StackEvents).toContainEqual(
      expect.objectContaining({
        LogicalResourceId: 'Endpoint',
        ResourceStatus: 'CREATE_FAILED',
        ResourceStatusReason: 'Resource creation cancelled: the stack exceeded its 1-minute timeout'
      })
    );
    expect(service.sagemaker.endpoints.size).toBe(0);
  });
});

interface Shape {
  type: string;
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  enum?: string[];
}
type Model = { operations: Record<string, { output?: { shape: string } }>; shapes: Record<string, Shape> };

/** Differences between an operation's output and its shape in botocore's model (names, types, enums). */
function mismatches(value: unknown, shapeName: string, model: Model, path: string): string[] {
  const shape = model.shapes[shapeName]!;
  if (value === undefined) return [];
  switch (shape.type) {
    case 'structure':
      if (typeof value !== 'object' || value === null) return [`${path}: expected a structure`];
      return Object.entries(value).flatMap(([key, member]) =>
        shape.members?.[key]
          ? mismatches(member, shape.members[key].shape, model, `${path}.${key}`)
          : [`${path}.${key}: not in ${shapeName}`]
      );
    case 'list':
      if (!Array.isArray(value)) return [`${path}: expected a list`];
      return value.flatMap((item, index) =>
        mismatches(item, shape.member!.shape, model, `${path}[${index}]`)
      );
    case 'timestamp':
      // structuredClone makes its Dates in Node's realm, not jest's: compare the tag, not the constructor.
      return Object.prototype.toString.call(value) === '[object Date]'
        ? []
        : [`${path}: expected a timestamp`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    default:
      if (typeof value !== 'string') return [`${path}: expected a string`];
      return shape.enum && !shape.enum.includes(value)
        ? [`${path}: ${value} is not one of ${shapeName}`]
        : [];
  }
}

describe("botocore's cloudformation model", () => {
  const model = JSON.parse(
    execFileSync(
      'python3',
      [
        '-c',
        'import botocore.session,json; print(json.dumps(botocore.session.get_session().get_service_data("cloudformation")))'
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
    )
  ) as Model;

  it('defines every operation the local service implements', () => {
    const { service } = createCloudFormationService({
      state: new StateStore(dataDir),
      invoke: createInvoker([])
    });
    const operations = service.protocol === 'query' ? Object.keys(service.operations) : [];
    expect(operations.length).toBeGreaterThanOrEqual(19);
    expect(operations.filter((operation) => !(operation in model.operations))).toEqual([]);
  });

  it('matches the shapes of every output, member by member', async () => {
    const service = inProcess(dataDir);
    const template = `${ENDPOINT_STACK}  Secret: { Value: !Ref Password }\nParameters:\n  Password: { Type: String, NoEcho: true, Default: x }\n`;
    const outputs: [string, OperationOutput][] = [];
    const record = async (operation: string, input: Record<string, unknown>) => {
      const output = await service.call(operation, input);
      outputs.push([operation, output]);
      return output;
    };
    await record('CreateStack', {
      StackName: 'shapes',
      TemplateBody: template,
      Tags: [{ Key: 'k', Value: 'v' }]
    });
    await service.settled();
    await record('CreateChangeSet', {
      StackName: 'shapes',
      ChangeSetName: 'next',
      TemplateBody: template.replace('Image: img', 'Image: img2')
    });
    await service.settled();
    for (const [operation, input] of [
      ['DescribeStacks', { StackName: 'shapes' }],
      ['DescribeStackEvents', { StackName: 'shapes' }],
      ['DescribeStackResources', { StackName: 'shapes' }],
      ['ListStackResources', { StackName: 'shapes' }],
      ['DescribeStackResource', { StackName: 'shapes', LogicalResourceId: 'Endpoint' }],
      ['DescribeChangeSet', { StackName: 'shapes', ChangeSetName: 'next' }],
      ['ListChangeSets', { StackName: 'shapes' }],
      ['GetTemplate', { StackName: 'shapes' }],
      ['ValidateTemplate', { TemplateBody: template }],
      ['GetTemplateSummary', { StackName: 'shapes' }],
      ['ListStacks', {}],
      ['UpdateTerminationProtection', { StackName: 'shapes', EnableTerminationProtection: 'false' }],
      ['ExecuteChangeSet', { StackName: 'shapes', ChangeSetName: 'next' }],
      ['DeleteStack', { StackName: 'shapes' }]
    ] as const) {
      await record(operation, input);
      await service.settled();
    }
    const changeSet = outputs.find(([operation]) => operation === 'DescribeChangeSet')![1];
    expect(changeSet['Changes']).toHaveLength(3);
    const problems = outputs.flatMap(([operation, output]) => {
      const shape = model.operations[operation]!.output?.shape;
      if (shape !== undefined) return mismatches(output, shape, model, operation);
      return Object.keys(output).length === 0 ? [] : [`${operation}: the model defines no output`];
    });
    expect(problems).toEqual([]);
  });
});
