import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { runBundledAction, type ActionRun } from '../helpers/action-runner.js';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';
import { LABELS } from '../../src/local-stack/services/sagemaker/hosting/fleet.js';
import { buildTinyModel, pushToLocalRegistry, type TinyModelMode } from '../fixtures/tiny-model/images.js';

/**
 * The shipped realtime-endpoint template deployed by the bundled action on the local stack, whose
 * SageMaker runs the model image as containers: create, no change, an update in place, a broken image
 * rolled back while the previous version keeps answering, and teardown.
 */
const suffix = `${process.pid}`;
const repository = `deploy-cfn-it-${suffix}/echo`;
const stackName = `deploy-cfn-endpoint-${suffix}`;
const endpointName = `deploy-cfn-endpoint-${suffix}`;

let stack: LocalStackHandle;
let dockerConfig: string;
const images: string[] = [];

function clients() {
  const config = {
    endpoint: stack.endpoint,
    region: 'us-east-1',
    credentials: {
      accessKeyId: stack.env['AWS_ACCESS_KEY_ID'] ?? '',
      secretAccessKey: stack.env['AWS_SECRET_ACCESS_KEY'] ?? ''
    }
  };
  return {
    ecr: new ECRClient(config),
    cloudformation: new CloudFormationClient(config),
    sagemaker: new SageMakerClient(config),
    runtime: new SageMakerRuntimeClient(config)
  };
}

async function run(program: string, args: string[], input?: string) {
  const result = await runProgram(program, args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`${program} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/**
 * A model that takes this long to load before it answers /ping: it keeps the stack busy long enough for a
 * second run to find it in progress, however slowly that run's process starts.
 */
const SLOW_START_SECONDS = 5;

/**
 * Builds the tiny model (its /invocations answers with `version`), optionally slow to start, and pushes
 * it; resolves with the digest reference.
 */
async function pushImage(
  version: string,
  mode: TinyModelMode = 'serve',
  startDelaySeconds = 0
): Promise<string> {
  const local = `deploy-cfn-it-${suffix}/tiny-model:${version}`;
  await buildTinyModel(local, version, mode);
  images.push(local);
  if (startDelaySeconds > 0) await delayStart(local, startDelaySeconds);
  const pushed = await pushToLocalRegistry(local, stack.registryHost, repository, version, dockerConfig);
  // The local endpoint pulls it by digest: remove that copy too when done.
  images.push(pushed);
  return pushed;
}

/** Rebuilds `reference` so its server starts only after a delay, still taking SageMaker's `serve` argument. */
async function delayStart(reference: string, seconds: number): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'deploy-cfn-slow-model-'));
  try {
    writeFileSync(
      join(context, 'Dockerfile'),
      `FROM ${reference}\nENTRYPOINT ["/bin/sh", "-c", "sleep ${seconds}; exec python3 /opt/tiny-model/server.py \\"$@\\"", "model"]\n`
    );
    await run('docker', ['build', '--quiet', '--tag', reference, context]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

function deployStep(inputs: Record<string, string>, name = stackName): Promise<ActionRun> {
  return runBundledAction('deploy-cfn-stack', {
    inputs: { 'stack-name': name, ...inputs },
    env: {
      ...stack.env,
      GITHUB_REPOSITORY: 'acme/echo-model',
      GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
    }
  });
}

function templateInputs(image: string, version: string, endpoint = endpointName): Record<string, string> {
  return {
    template: 'realtime-endpoint',
    parameters: [
      `ImageUri=${image}`,
      `EndpointName=${endpoint}`,
      'ExecutionRoleArn=arn:aws:iam::000000000000:role/modelship-local-execution',
      `ModelVersion=${version}`,
      // The local stack bakes blue/green updates for real; the template's 300 s would make each update slow.
      'BakeTimeSeconds=5'
    ].join('\n'),
    'wait-for-endpoints': 'true'
  };
}

/** On failure, shows the step's log in the assertion message. */
function expectSuccess(run: ActionRun): void {
  expect(run.exitCode === 0 ? 'exit 0' : run.log).toBe('exit 0');
}

/** The containers serving the endpoint on this test's local stack (running or not). */
async function containersOf(endpoint: string): Promise<string[]> {
  const ps = await runProgram('docker', [
    'ps',
    '--all',
    '--quiet',
    '--filter',
    `label=${LABELS.stack}=${stack.dataDir}`,
    '--filter',
    `label=${LABELS.endpoint}=${endpoint.toLowerCase()}`
  ]);
  return ps.stdout.split('\n').filter(Boolean);
}

async function invokedVersion(endpoint = endpointName): Promise<string> {
  const response = await clients().runtime.send(
    new InvokeEndpointCommand({
      EndpointName: endpoint,
      ContentType: 'text/csv',
      Body: Buffer.from('1,2,3')
    })
  );
  const answer = JSON.parse(Buffer.from(response.Body ?? new Uint8Array()).toString('utf8')) as {
    version: string;
  };
  return answer.version;
}

beforeAll(async () => {
  stack = await startLocalStack();
  dockerConfig = mkdtempSync(join(tmpdir(), 'deploy-cfn-endpoint-docker-'));
  const { ecr } = clients();
  await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
  const token = await ecr.send(new GetAuthorizationTokenCommand({}));
  const [user, password] = Buffer.from(token.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
    .toString('utf8')
    .split(':');
  await run(
    'docker',
    ['--config', dockerConfig, 'login', '--username', user ?? '', '--password-stdin', stack.registryHost],
    password
  );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  for (const image of images) await runProgram('docker', ['rmi', '--force', image]);
  if (dockerConfig) rmSync(dockerConfig, { recursive: true, force: true });
});

describe('deploy-cfn-stack with the realtime-endpoint template on the local stack', () => {
  it('creates the endpoint, reports no changes, updates in place, survives a broken image, and tears down', async () => {
    const v1 = await pushImage('v1');
    const v2 = await pushImage('v2');
    const broken = await pushImage('v3', 'crash');

    const created = await deployStep(templateInputs(v1, 'v1'));
    expectSuccess(created);
    expect(created.outputs).toMatchObject({ EndpointName: endpointName, 'stack-status': 'CREATE_COMPLETE' });
    expect(created.log).toContain(`Endpoint ${endpointName}: InService`);
    expect(await invokedVersion()).toBe('v1');
    expect(await containersOf(endpointName)).toHaveLength(1);

    const unchanged = await deployStep(templateInputs(v1, 'v1'));
    expectSuccess(unchanged);
    expect(unchanged.outputs).toMatchObject({
      'no-changes': 'true',
      ModelName: created.outputs['ModelName']
    });

    const updated = await deployStep(templateInputs(v2, 'v2'));
    expectSuccess(updated);
    expect(updated.log).toMatch(/Modify\s+Model\s+AWS::SageMaker::Model\s+True/);
    expect(updated.log).toMatch(/Modify\s+Endpoint\s+AWS::SageMaker::Endpoint\s+False/);
    expect(updated.outputs['EndpointArn']).toBe(created.outputs['EndpointArn']);
    expect(updated.outputs['ModelName']).not.toBe(created.outputs['ModelName']);
    expect(await invokedVersion()).toBe('v2');

    const failed = await deployStep(templateInputs(broken, 'v3'));
    expect(failed.exitCode).toBe(1);
    expect(failed.log).toMatch(
      /::error::Stack .* ended in UPDATE_ROLLBACK_COMPLETE\. First failure: Endpoint \(AWS::SageMaker::Endpoint\) UPDATE_FAILED: /
    );
    expect(await invokedVersion()).toBe('v2');
    const { cloudformation, sagemaker } = clients();
    const afterRollback = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    expect(afterRollback.Stacks?.[0]?.Outputs).toContainEqual(
      expect.objectContaining({ OutputKey: 'ModelName', OutputValue: updated.outputs['ModelName'] })
    );

    const deleted = await deployStep({ delete: 'true' });
    expectSuccess(deleted);
    expect(await containersOf(endpointName)).toEqual([]);
    await expect(sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }))).rejects.toThrow(
      /Could not find endpoint/
    );
  }, 600_000);

  it('waits for a stack busy with another run, then deploys (here: no changes)', async () => {
    const image = await pushImage('slow', 'serve', SLOW_START_SECONDS);
    const busyStack = `${stackName}-busy`;
    const inputs = templateInputs(image, 'slow', `${endpointName}-busy`);
    const { cloudformation } = clients();

    const first = deployStep(inputs, busyStack);
    for (;;) {
      const status = await cloudformation.send(new DescribeStacksCommand({ StackName: busyStack })).then(
        (response) => response.Stacks?.[0]?.StackStatus,
        () => undefined
      );
      if (status === 'CREATE_IN_PROGRESS') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const second = await deployStep(inputs, busyStack);

    expectSuccess(await first);
    expectSuccess(second);
    expect(second.log).toContain(
      `Stack ${busyStack} is CREATE_IN_PROGRESS: another operation is running; waiting for it to finish.`
    );
    expect(second.log).toMatch(/Z {2}Endpoint {2}AWS::SageMaker::Endpoint {2}CREATE_COMPLETE/);
    expect(second.outputs).toMatchObject({ 'no-changes': 'true', 'stack-status': 'CREATE_COMPLETE' });
    expectSuccess(await deployStep({ delete: 'true' }, busyStack));
  }, 600_000);

  it('deploys the serverless-endpoint template for a pull-request preview and tears it down', async () => {
    const image = await pushImage('preview');
    const previewStack = `${stackName}-pr-7`;
    const previewEndpoint = `${endpointName}-pr-7`;

    const deployed = await deployStep(
      {
        template: 'serverless-endpoint',
        parameters: `ImageUri=${image}\nEndpointName=${previewEndpoint}\nExecutionRoleArn=arn:aws:iam::000000000000:role/x\nMemorySizeInMB=1024`,
        'wait-for-endpoints': 'true'
      },
      previewStack
    );

    expectSuccess(deployed);
    expect(deployed.outputs).toMatchObject({
      EndpointName: previewEndpoint,
      'stack-status': 'CREATE_COMPLETE'
    });
    expect(await invokedVersion(previewEndpoint)).toBe('preview');
    expectSuccess(await deployStep({ delete: 'true' }, previewStack));
    expect(await containersOf(previewEndpoint)).toEqual([]);
  }, 600_000);
});
