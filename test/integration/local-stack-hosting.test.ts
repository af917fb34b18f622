import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  waitUntilEndpointInService,
  type DescribeEndpointCommandOutput
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { launchLocalStack, type RunningLocalStack } from '../../src/local-stack/stack.js';
import { LABELS } from '../../src/local-stack/services/sagemaker/hosting/fleet.js';
import { runProgram } from '../helpers/local-stack.js';
import { buildTinyModel, pushToLocalRegistry } from '../fixtures/tiny-model/images.js';

const PREFIX = 'ls-hosting';
const REPOSITORY = `${PREFIX}/tiny`;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';

/** Builds, pushes and container starts take seconds each. */
jest.setTimeout(300_000);

describe('local SageMaker hosting with real containers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), `${PREFIX}-data-`));
  const dockerConfig = mkdtempSync(join(tmpdir(), `${PREFIX}-docker-`));
  const localImages = ['v1', 'v2', 'crash'].map((version) => `${PREFIX}-tiny:${version}`);
  let stack: RunningLocalStack;
  let registryPort: number;
  let sagemaker: SageMakerClient;
  let runtime: SageMakerRuntimeClient;
  const images: Record<string, string> = {};
  let awsEnv: Record<string, string>;

  const start = async () => {
    stack = await launchLocalStack({ dataDir, port: 0, registryPort });
    registryPort = Number(stack.registryHost.split(':')[1]);
    sagemaker = new SageMakerClient({ region, endpoint: stack.endpoint, credentials });
    runtime = new SageMakerRuntimeClient({ region, endpoint: stack.endpoint, credentials });
    awsEnv = {
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL: stack.endpoint
    };
  };

  const containersOf = async (endpointName?: string) => {
    const filters = ['--filter', `label=${LABELS.stack}=${dataDir}`];
    if (endpointName) filters.push('--filter', `label=${LABELS.endpoint}=${endpointName}`);
    const ps = await runProgram('docker', ['ps', '--all', '--quiet', ...filters]);
    return ps.stdout.split('\n').filter(Boolean);
  };

  const deploy = async (
    name: string,
    image: string,
    instances = 1,
    environment: Record<string, string> = {}
  ) => {
    await sagemaker.send(
      new CreateModelCommand({
        ModelName: name,
        ExecutionRoleArn: 'arn:aws:iam::000000000000:role/local',
        PrimaryContainer: { Image: image, Environment: { MODEL_NAME: name, ...environment } }
      })
    );
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: name,
            InitialInstanceCount: instances,
            InstanceType: 'ml.t2.medium'
          }
        ]
      })
    );
  };

  /** Polls until the endpoint leaves its transitional status. */
  const settled = async (name: string): Promise<DescribeEndpointCommandOutput> => {
    for (;;) {
      const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
      if (!['Creating', 'Updating', 'SystemUpdating'].includes(String(endpoint.EndpointStatus)))
        return endpoint;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const invoke = async (name: string, body: string) => {
    const output = await runtime.send(
      new InvokeEndpointCommand({
        EndpointName: name,
        Body: Buffer.from(body),
        ContentType: 'text/csv',
        Accept: 'application/json',
        CustomAttributes: 'trace=1'
      })
    );
    return { ...output, answer: JSON.parse(Buffer.from(output.Body).toString('utf8')) };
  };

  beforeAll(async () => {
    registryPort = 0;
    await start();
    const ecr = new ECRClient({ region, endpoint: stack.endpoint, credentials });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    const [user, password] = Buffer.from(authorizationData?.[0]?.authorizationToken as string, 'base64')
      .toString()
      .split(':') as [string, string];
    const login = await runProgram(
      'docker',
      ['--config', dockerConfig, 'login', '--username', user, '--password-stdin', stack.registryHost],
      { input: password }
    );
    expect(login.code).toBe(0);
    await buildTinyModel(localImages[0]!, 'v1');
    await buildTinyModel(localImages[1]!, 'v2');
    await buildTinyModel(localImages[2]!, 'v3', 'crash');
    for (const [index, version] of ['v1', 'v2', 'crash'].entries()) {
      images[version] = await pushToLocalRegistry(
        localImages[index]!,
        stack.registryHost,
        REPOSITORY,
        version,
        dockerConfig
      );
    }
  });

  afterAll(async () => {
    await stack?.stop();
    const leftovers = await containersOf();
    if (leftovers.length > 0) await runProgram('docker', ['rm', '--force', ...leftovers]);
    const pulled = Object.values(images);
    await runProgram('docker', ['rmi', '--force', ...pulled, ...localImages]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  it('creates an endpoint from a pulled image, serves it, updates in place, survives a broken update, restarts and deletes', async () => {
    const name = `${PREFIX}-main`;
    await deploy(`${name}-v1`, images['v1']!, 2);
    const created = await sagemaker.send(
      new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-v1` })
    );
    expect(created.EndpointArn).toBe(`arn:aws:sagemaker:${region}:000000000000:endpoint/${name}`);
    expect((await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }))).EndpointStatus).toBe(
      'Creating'
    );
    await waitUntilEndpointInService(
      { client: sagemaker, maxWaitTime: 120, minDelay: 1 },
      { EndpointName: name }
    );

    const described = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
    expect(described.ProductionVariants).toEqual([
      expect.objectContaining({
        VariantName: 'AllTraffic',
        CurrentInstanceCount: 2,
        DesiredInstanceCount: 2,
        CurrentWeight: 1,
        DeployedImages: [
          expect.objectContaining({ SpecifiedImage: images['v1'], ResolvedImage: images['v1'] })
        ]
      })
    ]);
    expect(await containersOf(name)).toHaveLength(2);

    const first = await invoke(name, '1,2,3');
    expect(first.InvokedProductionVariant).toBe('AllTraffic');
    expect(first.ContentType).toBe('application/json');
    expect(first.CustomAttributes).toBe('echo:trace=1');
    expect(first.answer).toMatchObject({
      version: 'v1',
      body: '1,2,3',
      contentType: 'text/csv',
      accept: 'application/json',
      customAttributes: 'trace=1'
    });
    const second = await invoke(name, '4');
    expect(second.answer.hostname).not.toBe(first.answer.hostname);

    await expect(
      runtime.send(new InvokeEndpointCommand({ EndpointName: name, Body: Buffer.from('fail') }))
    ).rejects.toMatchObject({
      name: 'ModelError',
      $metadata: expect.objectContaining({ httpStatusCode: 424 }),
      OriginalStatusCode: 400,
      OriginalMessage: expect.stringContaining("refuses the input 'fail'"),
      LogStreamArn: `arn:aws:logs:${region}:000000000000:log-group:/aws/sagemaker/Endpoints/${name}`
    });

    // Update in place to a new image: the new fleet replaces the old one.
    await deploy(`${name}-v2`, images['v2']!);
    await sagemaker.send(new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-v2` }));
    const updated = await settled(name);
    expect(updated).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: `${name}-v2` });
    expect(updated.FailureReason).toBeUndefined();
    expect((await invoke(name, 'x')).answer.version).toBe('v2');
    expect(await containersOf(name)).toHaveLength(1);

    // A broken image never receives traffic: the endpoint keeps serving v2 and says why the update failed.
    await deploy(`${name}-broken`, images['crash']!);
    await sagemaker.send(
      new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-broken` })
    );
    const rolledBack = await settled(name);
    expect(rolledBack).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: `${name}-v2` });
    expect(rolledBack.FailureReason).toContain('RuntimeError: model artifact is corrupt');
    expect((await invoke(name, 'y')).answer.version).toBe('v2');
    expect(await containersOf(name)).toHaveLength(1);

    // AWS CLI and boto3 see the same endpoint, and boto3's waiter (botocore's waiters-2.json) accepts it.
    const cli = await runProgram(
      'aws',
      ['sagemaker', 'describe-endpoint', '--endpoint-name', name, '--endpoint-url', stack.endpoint],
      { env: awsEnv }
    );
    expect(JSON.parse(cli.stdout)).toMatchObject({
      EndpointStatus: 'InService',
      EndpointConfigName: `${name}-v2`
    });
    const outfile = join(dataDir, 'cli-answer.json');
    const cliInvoke = await runProgram(
      'aws',
      [
        'sagemaker-runtime',
        'invoke-endpoint',
        '--endpoint-name',
        name,
        '--body',
        'from-cli',
        '--content-type',
        'text/plain',
        '--custom-attributes',
        'cli=1',
        '--endpoint-url',
        stack.endpoint,
        outfile
      ],
      { env: { ...awsEnv, AWS_CLI_BINARY_FORMAT: 'raw-in-base64-out' } }
    );
    expect(cliInvoke.code).toBe(0);
    expect(JSON.parse(cliInvoke.stdout)).toMatchObject({
      InvokedProductionVariant: 'AllTraffic',
      CustomAttributes: 'echo:cli=1'
    });
    const boto = await runProgram(
      'python3',
      [
        '-c',
        [
          'import boto3, json, sys',
          'sm = boto3.client("sagemaker", endpoint_url=sys.argv[1])',
          'sm.get_waiter("endpoint_in_service").wait(EndpointName=sys.argv[2], WaiterConfig={"Delay": 1})',
          'rt = boto3.client("sagemaker-runtime", endpoint_url=sys.argv[1])',
          'out = rt.invoke_endpoint(EndpointName=sys.argv[2], Body=b"boto", ContentType="text/plain", TargetVariant="AllTraffic")',
          'print(json.dumps({"variant": out["InvokedProductionVariant"], "answer": json.loads(out["Body"].read())}))'
        ].join('\n'),
        stack.endpoint,
        name
      ],
      { env: awsEnv }
    );
    expect(boto.stderr).toBe('');
    expect(JSON.parse(boto.stdout)).toMatchObject({
      variant: 'AllTraffic',
      answer: { version: 'v2', body: 'boto' }
    });

    // `down` stops the containers; `up` brings the InService endpoint back on new containers.
    await stack.stop();
    expect(await containersOf()).toEqual([]);
    await start();
    const restarted = await settled(name);
    expect(restarted).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: `${name}-v2` });
    expect((await invoke(name, 'again')).answer.version).toBe('v2');

    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
    await expect(
      (async () => {
        for (;;) {
          await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })()
    ).rejects.toThrow(`Could not find endpoint "arn:aws:sagemaker:${region}:000000000000:endpoint/${name}".`);
    expect(await containersOf(name)).toEqual([]);
    await expect(
      runtime.send(new InvokeEndpointCommand({ EndpointName: name, Body: Buffer.from('gone') }))
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: `Endpoint ${name} of account 000000000000 not found.`
    });
  });

  it('keeps serving when an update never passes /ping, until the variant health check timeout', async () => {
    const name = `${PREFIX}-unhealthy`;
    await deploy(name, images['v1']!);
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
    expect(await settled(name)).toMatchObject({ EndpointStatus: 'InService' });

    // Same image; the model's Environment reaches the container and makes /ping answer 500.
    await sagemaker.send(
      new CreateModelCommand({
        ModelName: `${name}-sick`,
        PrimaryContainer: { Image: images['v1']!, Environment: { TINY_MODEL_MODE: 'fail-ping' } }
      })
    );
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: `${name}-sick`,
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: `${name}-sick`,
            InitialInstanceCount: 1,
            InstanceType: 'ml.t2.medium',
            ContainerStartupHealthCheckTimeoutInSeconds: 60
          }
        ]
      })
    );
    await sagemaker.send(
      new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: `${name}-sick` })
    );
    expect((await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }))).EndpointStatus).toBe(
      'Updating'
    );
    // The new container starts beside the serving one, which answers meanwhile.
    while ((await containersOf(name)).length < 2) await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await invoke(name, 'during')).answer.version).toBe('v1');

    const kept = await settled(name);
    expect(kept).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: name });
    expect(kept.FailureReason).toContain(
      'did not pass the ping health check within 60 seconds (last: status 500). Last log lines:'
    );
    expect(kept.FailureReason).toContain('model not loaded, /ping answers 500');
    expect((await invoke(name, 'after')).answer.version).toBe('v1');
    expect(await containersOf(name)).toHaveLength(1);
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
  });

  it('fails an endpoint whose container crashes, with its last log lines, and removes its containers', async () => {
    const name = `${PREFIX}-failed`;
    await deploy(name, images['crash']!, 2);
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
    await expect(
      waitUntilEndpointInService({ client: sagemaker, maxWaitTime: 120, minDelay: 1 }, { EndpointName: name })
    ).rejects.toThrow();
    const failed = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
    expect(failed.EndpointStatus).toBe('Failed');
    expect(failed.FailureReason).toMatch(
      /^The primary container for production variant AllTraffic exited with code 1 before passing the ping health check\. Last log lines:\ntiny-model: loading model version v3\ntiny-model: RuntimeError: model artifact is corrupt/
    );
    expect(await containersOf(name)).toEqual([]);
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
  });

  it('fails an endpoint whose container exits before Docker publishes its port, with its exit code and log', async () => {
    const name = `${PREFIX}-crash-now`;
    await deploy(name, images['v1']!, 1, { TINY_MODEL_MODE: 'crash-now' });
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
    const failed = await settled(name);
    expect(failed.EndpointStatus).toBe('Failed');
    expect(failed.FailureReason).toBe(
      'The primary container for production variant AllTraffic exited with code 3 before passing the ping ' +
        'health check. Last log lines:\ntiny-model: no model artifact found, exiting (TINY_MODEL_MODE=crash-now)'
    );
    expect(await containersOf(name)).toEqual([]);
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
  });
});
