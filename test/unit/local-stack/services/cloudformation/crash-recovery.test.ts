import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import type {
  ListEndpointConfigsCommandOutput,
  ListEndpointsCommandOutput,
  ListModelsCommandOutput
} from '@aws-sdk/client-sagemaker';
import { createCloudFormationService } from '../../../../../src/local-stack/services/cloudformation/index.js';
import { createHosting } from '../../../../../src/local-stack/services/sagemaker/hosting/index.js';
import { createSageMakerService } from '../../../../../src/local-stack/services/sagemaker/index.js';
import { tagOperations } from '../../../../../src/local-stack/services/sagemaker/tags.js';
import { StateStore } from '../../../../../src/local-stack/state.js';
import {
  createInvoker,
  type CallerContext,
  type OperationOutput
} from '../../../../../src/local-stack/wire/invoke.js';
import type { ServiceDefinition } from '../../../../../src/local-stack/wire/types.js';
import { FakeEngine } from '../sagemaker/hosting/fake-engine.js';

/**
 * Crashes at every step: a recording run saves a copy of the state directory after each state write
 * (each moment a `kill -9` could leave behind), then every copy is started again and brought back the
 * way a user would (ContinueUpdateRollback, DeleteStack). Nothing may be orphaned: SageMaker holds only
 * what some stack's resources name, and deleting the stacks removes every model, config, endpoint and
 * container. CloudFormation runs over the real local SageMaker hosting, containers from the fake engine.
 */

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

/** A state store that hands a copy of its directory to `onWrite` after every write. */
class RecordingStateStore extends StateStore {
  constructor(
    dataDir: string,
    private readonly onWrite: (files: Map<string, string>) => void
  ) {
    super(dataDir);
  }

  override save(name: string): void {
    super.save(name);
    const dir = join(this.dataDir, 'state');
    this.onWrite(new Map(readdirSync(dir).map((file) => [file, readFileSync(join(dir, file), 'utf8')])));
  }
}

function template(image: string): string {
  return JSON.stringify({
    Resources: {
      Model: {
        Type: 'AWS::SageMaker::Model',
        Properties: {
          ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/local`,
          PrimaryContainer: { Image: image }
        }
      },
      Config: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Properties: {
          ProductionVariants: [
            {
              VariantName: 'AllTraffic',
              ModelName: { 'Fn::GetAtt': ['Model', 'ModelName'] },
              InitialInstanceCount: 1,
              InstanceType: 'ml.m5.large'
            }
          ]
        }
      },
      Endpoint: {
        Type: 'AWS::SageMaker::Endpoint',
        Properties: { EndpointConfigName: { 'Fn::GetAtt': ['Config', 'EndpointConfigName'] } }
      }
    }
  });
}

const GOOD = template('127.0.0.1:5999/tiny:v1');
const REPLACED = template('127.0.0.1:5999/tiny:v2');
/** Its container exits at once, so the endpoint fails: a failed create or update. */
const BROKEN = template('127.0.0.1:5999/tiny:crash-now');

function startStack(dataDir: string, onWrite: (files: Map<string, string>) => void = () => undefined) {
  const state = new RecordingStateStore(dataDir, onWrite);
  const engine = new FakeEngine();
  const hosting = createHosting({
    state,
    accountId: ACCOUNT,
    engine,
    stackLabel: dataDir,
    defaultHealthCheckTimeoutSeconds: 1,
    pingIntervalMs: 5
  });
  const services: ServiceDefinition[] = [
    createSageMakerService([hosting.operations, tagOperations([hosting.store.taggable])])
  ];
  const invoke = createInvoker(services);
  const cloudformation = createCloudFormationService({ state, invoke, pollIntervalMs: 5 });
  services.push(cloudformation.service);
  const restored = hosting.controller.restore();
  const caller: CallerContext = { region: REGION, accountId: ACCOUNT, accessKeyId: 'AKID', state };
  const call = <Out extends object = OperationOutput>(
    service: string,
    operation: string,
    input: Record<string, unknown> = {}
  ) => invoke<Out>(service, operation, input, caller);
  return {
    engine,
    hosting,
    call,
    async statusOf(stackName: string): Promise<string> {
      for (;;) {
        const { Stacks } = await call<DescribeStacksCommandOutput>('cloudformation', 'DescribeStacks', {
          StackName: stackName
        });
        const status = String(Stacks![0]!.StackStatus);
        if (!status.endsWith('_IN_PROGRESS')) return status;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    /** ARNs of every model, endpoint config and endpoint SageMaker has. */
    async sageMakerResources(): Promise<string[]> {
      const { Models } = await call<ListModelsCommandOutput>('SageMaker', 'ListModels');
      const { EndpointConfigs } = await call<ListEndpointConfigsCommandOutput>(
        'SageMaker',
        'ListEndpointConfigs'
      );
      const { Endpoints } = await call<ListEndpointsCommandOutput>('SageMaker', 'ListEndpoints');
      return [
        ...Models!.map((model) => model.ModelArn!),
        ...EndpointConfigs!.map((config) => config.EndpointConfigArn!),
        ...Endpoints!.map((endpoint) => endpoint.EndpointArn!)
      ].sort();
    },
    async stop(): Promise<void> {
      await restored;
      await cloudformation.settled();
      await hosting.controller.shutdown();
    }
  };
}

type Stack = ReturnType<typeof startStack>;

/** Physical ids of the resources of every stack not deleted. */
async function stackResources(stack: Stack): Promise<string[]> {
  const { StackSummaries } = await stack.call('cloudformation', 'ListStacks');
  const ids: string[] = [];
  for (const summary of StackSummaries as { StackName: string; StackStatus: string }[]) {
    if (summary.StackStatus === 'DELETE_COMPLETE') continue;
    const { StackResourceSummaries } = await stack.call('cloudformation', 'ListStackResources', {
      StackName: summary.StackName
    });
    for (const resource of StackResourceSummaries as { PhysicalResourceId?: string }[]) {
      if (resource.PhysicalResourceId) ids.push(resource.PhysicalResourceId);
    }
  }
  return ids;
}

const RECOVERABLE = new Set([
  'CREATE_COMPLETE',
  'CREATE_FAILED',
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_FAILED',
  'DELETE_FAILED',
  'DELETE_COMPLETE'
]);

let dataDir: string;
beforeAll(() => {
  // Memory-backed where there is one: every state write is flushed to disk, and there are thousands here.
  dataDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'modelship-crash-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a local stack killed at any step of a stack operation', () => {
  /** The state after each write, with the stack's status at that moment. */
  const crashPoints: { files: Map<string, string>; status: string }[] = [];

  beforeAll(async () => {
    let status = 'none';
    const recording = startStack(join(dataDir, 'recording'), (files) => crashPoints.push({ files, status }));
    const track = async (name: string) => {
      status = await recording.statusOf(name).catch(() => 'DELETE_COMPLETE');
    };
    const operation = async (action: string, name: string, body?: string) => {
      status = `${action} ${name}`;
      await recording.call('cloudformation', action, {
        StackName: name,
        ...(body !== undefined && { TemplateBody: body })
      });
      await track(name);
    };
    await operation('CreateStack', 'served', GOOD);
    await operation('UpdateStack', 'served', REPLACED);
    await operation('UpdateStack', 'served', BROKEN);
    await operation('DeleteStack', 'served');
    await operation('CreateStack', 'failing', BROKEN);
    await recording.stop();
  }, 60_000);

  it('records a crash point in every phase of create, update, rollback and delete', () => {
    const phases = new Set(crashPoints.map((point) => point.status));
    for (const phase of [
      'CreateStack served',
      'UpdateStack served',
      'DeleteStack served',
      'CreateStack failing'
    ]) {
      expect(phases).toContain(phase);
    }
    expect(crashPoints.length).toBeGreaterThan(40);
  });

  it('restarts from every crash point into recoverable stacks, and leaves nothing behind', async () => {
    for (const [index, point] of crashPoints.entries()) {
      const restartDir = join(dataDir, `restart-${index}`);
      mkdirSync(join(restartDir, 'state'), { recursive: true });
      for (const [file, text] of point.files) writeFileSync(join(restartDir, 'state', file), text);
      const stack = startStack(restartDir);
      const at = `crash point ${index} (${point.status})`;
      try {
        for (const name of ['served', 'failing']) {
          const status = await stack.statusOf(name).catch(() => 'none');
          expect(`${at}: ${name} ${status}`).toBe(
            `${at}: ${name} ${RECOVERABLE.has(status) || status === 'none' ? status : 'recoverable'}`
          );
          if (status === 'UPDATE_ROLLBACK_FAILED') {
            await stack.call('cloudformation', 'ContinueUpdateRollback', { StackName: name });
            expect(`${at}: ${name} ${await stack.statusOf(name)}`).toBe(
              `${at}: ${name} UPDATE_ROLLBACK_COMPLETE`
            );
          }
        }
        const owned = await stackResources(stack);
        for (const arn of await stack.sageMakerResources()) {
          expect(`${at}: ${arn} belongs to ${owned.includes(arn) ? 'a stack' : 'no stack'}`).toBe(
            `${at}: ${arn} belongs to a stack`
          );
        }
        for (const name of ['served', 'failing']) {
          if ((await stack.statusOf(name).catch(() => 'none')) === 'none') continue;
          await stack.call('cloudformation', 'DeleteStack', { StackName: name });
          expect(`${at}: ${name} ${await stack.statusOf(name).catch(() => 'DELETE_COMPLETE')}`).toBe(
            `${at}: ${name} DELETE_COMPLETE`
          );
        }
        expect({ at, left: await stack.sageMakerResources() }).toEqual({ at, left: [] });
        await stack.hosting.controller.settled();
        expect({ at, containers: stack.engine.containers.size }).toEqual({ at, containers: 0 });
      } finally {
        await stack.stop();
      }
      rmSync(restartDir, { recursive: true, force: true });
    }
  }, 300_000);
});
