import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourceCommand,
  ListStackResourcesCommand,
  UpdateStackCommand,
  type Parameter
} from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  DescribeEndpointCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
  SageMakerClient
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import { runProgram } from '../helpers/local-stack.js';
import { waitForStack } from '../unit/local-stack/services/cloudformation/harness.js';

const BIN = join(PROJECT_ROOT, 'bin', 'modelship.js');
const MODEL_IMAGE_CONTEXT = join(PROJECT_ROOT, 'test/integration/local-stack-cloudformation-model');
const TEMPLATE = readFileSync(
  join(PROJECT_ROOT, 'action-templates/cloudformation/realtime-endpoint.yaml'),
  'utf8'
);
const DOCKER_TIMEOUT_MS = 600_000;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function modelship(...args: string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * `kill -9` of a real `modelship local up` at each step of CreateStack, UpdateStack and DeleteStack of
 * the shipped endpoint template, with real containers; then `down` and `up` again. Nothing may be
 * orphaned (no container without its endpoint, no endpoint without its stack resource) and each stack
 * must come back in a state its AWS recovery action (DeleteStack, ContinueUpdateRollback) gets out of.
 * The model image answers /ping only when built healthy; a "loading" one keeps its endpoint Creating or
 * Updating, so the kill lands while the stack waits for it.
 */
describe('a local stack killed during stack operations', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'modelship-crash-it-'));
  const dockerConfig = mkdtempSync(join(tmpdir(), 'modelship-crash-docker-'));
  const repository = `crash-it-${process.pid}/model`;
  const stackName = `crash-it-${process.pid}`;
  const images: string[] = [];
  let flags: string[] = [];
  let env: Record<string, string> = {};
  let cloudformation: CloudFormationClient;
  let sagemaker: SageMakerClient;
  let runtime: SageMakerRuntimeClient;
  let serving = '';
  let loading = '';

  const containers = async () =>
    (await runProgram('docker', ['ps', '-aq', '--filter', `label=modelship.local-stack=${dataDir}`])).stdout
      .split('\n')
      .filter((line) => line !== '');

  /** `modelship local up` on the same ports every time (images are referenced by registry host). */
  async function up(): Promise<void> {
    const run = await modelship('local', 'up', ...flags);
    if (run.code !== 0) throw new Error(`modelship local up failed:\n${run.stderr}`);
    env = Object.fromEntries(
      [...run.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map(([, name, value]) => [name, value])
    );
    const config = {
      endpoint: env['AWS_ENDPOINT_URL']!,
      region: env['AWS_REGION']!,
      credentials: { accessKeyId: env['AWS_ACCESS_KEY_ID']!, secretAccessKey: 'x' }
    };
    cloudformation?.destroy();
    sagemaker?.destroy();
    runtime?.destroy();
    cloudformation = new CloudFormationClient(config);
    sagemaker = new SageMakerClient(config);
    runtime = new SageMakerRuntimeClient(config);
  }

  async function killStack(): Promise<void> {
    const pid = Number(readFileSync(join(dataDir, 'local-stack.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await until('the killed stack is gone', async () => !alive(pid));
  }

  async function pushImage(tag: string, healthy: 'true' | 'loading'): Promise<string> {
    const reference = `${env['MODELSHIP_LOCAL_REGISTRY']}/${repository}:${tag}`;
    const build = await runProgram('docker', [
      'build',
      '-q',
      '-t',
      reference,
      '--build-arg',
      `VERSION=${tag}`,
      '--build-arg',
      `HEALTHY=${healthy}`,
      MODEL_IMAGE_CONTEXT
    ]);
    if (build.code !== 0) throw new Error(`docker build failed: ${build.stderr}`);
    images.push(reference);
    const push = await runProgram('docker', ['--config', dockerConfig, 'push', reference]);
    if (push.code !== 0) throw new Error(`docker push failed: ${push.stderr}`);
    return reference;
  }

  const parameters = (image: string): Parameter[] => [
    { ParameterKey: 'ImageUri', ParameterValue: image },
    { ParameterKey: 'ExecutionRoleArn', ParameterValue: 'arn:aws:iam::000000000000:role/modelship-local' },
    { ParameterKey: 'EndpointName', ParameterValue: stackName },
    { ParameterKey: 'ModelVersion', ParameterValue: image.split(':').pop()! },
    { ParameterKey: 'BakeTimeSeconds', ParameterValue: '0' }
  ];

  const endpointResource = async () =>
    (
      await cloudformation.send(
        new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: 'Endpoint' })
      )
    ).StackResourceDetail!;

  /** Every SageMaker hosting resource must be named by a resource of the stack (when it exists). */
  async function expectNothingOrphaned(): Promise<void> {
    const owned = (
      await cloudformation
        .send(new ListStackResourcesCommand({ StackName: stackName }))
        .then((page) => page.StackResourceSummaries ?? [])
        .catch(() => [])
    ).map((resource) => resource.PhysicalResourceId);
    const { Models } = await sagemaker.send(new ListModelsCommand({}));
    const { EndpointConfigs } = await sagemaker.send(new ListEndpointConfigsCommand({}));
    const { Endpoints } = await sagemaker.send(new ListEndpointsCommand({}));
    const arns = [
      ...(Models ?? []).map((model) => model.ModelArn),
      ...(EndpointConfigs ?? []).map((config) => config.EndpointConfigArn),
      ...(Endpoints ?? []).map((endpoint) => endpoint.EndpointArn)
    ];
    expect(arns.filter((arn) => !owned.includes(arn))).toEqual([]);
    const endpointContainers = Endpoints?.length ?? 0;
    expect((await containers()).length).toBeLessThanOrEqual(endpointContainers);
  }

  beforeAll(async () => {
    flags = ['--data-dir', dataDir, '--port', String(await freePort())];
    flags.push('--registry-port', String(await freePort()));
    await up();
    const ecr = new ECRClient({
      endpoint: env['AWS_ENDPOINT_URL']!,
      region: env['AWS_REGION']!,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' }
    });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    ecr.destroy();
    const [user, password] = Buffer.from(authorizationData![0]!.authorizationToken!, 'base64')
      .toString()
      .split(':') as [string, string];
    const login = await runProgram(
      'docker',
      [
        '--config',
        dockerConfig,
        'login',
        '--username',
        user,
        '--password-stdin',
        env['MODELSHIP_LOCAL_REGISTRY']!
      ],
      { input: password }
    );
    if (login.code !== 0) throw new Error(`docker login failed: ${login.stderr}`);
    serving = await pushImage('v1', 'true');
    loading = await pushImage('loading', 'loading');
  }, DOCKER_TIMEOUT_MS);

  afterAll(async () => {
    await modelship('local', 'down', '--data-dir', dataDir);
    cloudformation?.destroy();
    sagemaker?.destroy();
    runtime?.destroy();
    if (images.length > 0) await runProgram('docker', ['rmi', '-f', ...images]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dockerConfig, { recursive: true, force: true });
  }, DOCKER_TIMEOUT_MS);

  it(
    'killed during CreateStack: down removes the containers and registry, DeleteStack removes the endpoint',
    async () => {
      await cloudformation.send(
        new CreateStackCommand({
          StackName: stackName,
          TemplateBody: TEMPLATE,
          Parameters: parameters(loading)
        })
      );
      await until('the endpoint container runs', async () => (await containers()).length === 1);
      expect((await endpointResource()).ResourceStatus).toBe('CREATE_IN_PROGRESS');
      const registryPid = Number(readFileSync(join(dataDir, 'registry', 'registry.pid'), 'utf8'));
      await killStack();

      const down = await modelship('local', 'down', '--data-dir', dataDir);
      expect(down.stdout).toContain(
        'The local stack was not running; stopped the registry and 1 endpoint container(s) a killed stack left behind.'
      );
      expect(await containers()).toEqual([]);
      await until('the registry is gone', async () => !alive(registryPid));

      await up();
      const failed = await waitForStack(cloudformation, stackName);
      expect(failed.StackStatus).toBe('CREATE_FAILED');
      const endpoint = await endpointResource();
      expect(endpoint.ResourceStatus).toBe('CREATE_FAILED');
      expect(endpoint.PhysicalResourceId).toMatch(new RegExp(`:endpoint/${stackName}$`));
      await expectNothingOrphaned();

      await cloudformation.send(new DeleteStackCommand({ StackName: stackName }));
      expect((await waitForStack(cloudformation, failed.StackId!)).StackStatus).toBe('DELETE_COMPLETE');
      await expect(sagemaker.send(new DescribeEndpointCommand({ EndpointName: stackName }))).rejects.toThrow(
        /Could not find endpoint/
      );
      await until('the endpoint containers are removed', async () => (await containers()).length === 0);

      await cloudformation.send(
        new CreateStackCommand({
          StackName: stackName,
          TemplateBody: TEMPLATE,
          Parameters: parameters(serving)
        })
      );
      expect((await waitForStack(cloudformation, stackName)).StackStatus).toBe('CREATE_COMPLETE');
    },
    DOCKER_TIMEOUT_MS
  );

  it(
    'killed during UpdateStack: ContinueUpdateRollback returns to the serving model and deletes the new one',
    async () => {
      await cloudformation.send(
        new UpdateStackCommand({
          StackName: stackName,
          TemplateBody: TEMPLATE,
          Parameters: parameters(loading)
        })
      );
      await until(
        'the new container runs beside the serving one',
        async () => (await containers()).length === 2
      );
      expect((await endpointResource()).ResourceStatus).toBe('UPDATE_IN_PROGRESS');
      await killStack();

      await up();
      expect((await waitForStack(cloudformation, stackName)).StackStatus).toBe('UPDATE_ROLLBACK_FAILED');
      await cloudformation.send(new ContinueUpdateRollbackCommand({ StackName: stackName }));
      expect((await waitForStack(cloudformation, stackName)).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
      await expectNothingOrphaned();
      const { Models } = await sagemaker.send(new ListModelsCommand({}));
      expect(Models).toHaveLength(1);
      const response = await runtime.send(
        new InvokeEndpointCommand({
          EndpointName: stackName,
          ContentType: 'text/csv',
          Body: Buffer.from('1')
        })
      );
      expect(JSON.parse(Buffer.from(response.Body).toString('utf8'))).toMatchObject({ version: 'v1' });
      expect(await containers()).toHaveLength(1);
    },
    DOCKER_TIMEOUT_MS
  );

  it(
    'killed during DeleteStack: DeleteStack again deletes everything',
    async () => {
      await cloudformation.send(new DeleteStackCommand({ StackName: stackName }));
      await until(
        'the endpoint is being deleted',
        async () => (await endpointResource()).ResourceStatus === 'DELETE_IN_PROGRESS'
      );
      await killStack();

      await up();
      const stopped = await waitForStack(cloudformation, stackName);
      expect(stopped.StackStatus).toBe('DELETE_FAILED');
      await cloudformation.send(new DeleteStackCommand({ StackName: stackName }));
      expect((await waitForStack(cloudformation, stopped.StackId!)).StackStatus).toBe('DELETE_COMPLETE');
      await expectNothingOrphaned();
      const { Endpoints } = await sagemaker.send(new ListEndpointsCommand({}));
      expect(Endpoints).toEqual([]);
      await until('the endpoint containers are removed', async () => (await containers()).length === 0);
    },
    DOCKER_TIMEOUT_MS
  );

  it('refuses to start on a state file a crash or a disk cut short, naming it and the way out', async () => {
    expect((await modelship('local', 'down', '--data-dir', dataDir)).code).toBe(0);
    for (const name of ['ecr', 'sagemaker-model-registry', 'sagemaker-hosting', 'cloudformation']) {
      const path = join(dataDir, 'state', `${name}.json`);
      const original = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      const whole = original ?? '{"groups": {}, "packages": {}}\n';
      writeFileSync(path, whole.slice(0, Math.floor(whole.length / 2)));
      const run = await modelship('local', 'up', ...flags);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`The local stack's state file ${path} is not valid JSON`);
      expect(run.stderr).toContain(`mv '${path}' '${path}.corrupt'`);
      expect(existsSync(join(dataDir, 'local-stack.pid'))).toBe(false);
      if (original === undefined) rmSync(path);
      else writeFileSync(path, original);
    }
  }, 120_000);
});
