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
  SageMakerClient,
  waitUntilEndpointDeleted,
  waitUntilEndpointInService
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { launchLocalStack, type RunningLocalStack } from '../../src/local-stack/stack.js';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import { runProgram } from '../helpers/local-stack.js';
import { pushToLocalRegistry } from '../fixtures/tiny-model/images.js';

const PREFIX = 'ls-hosting-starter';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';
const PATIENT = '0.038,0.051,0.062,0.022,-0.044,-0.035,-0.043,-0.003,0.02,-0.018';

/** Building the starter model installs scikit-learn from Debian when Docker has no cached layers. */
jest.setTimeout(600_000);

/** The starter model repository's image (action-templates/model-repo), served by the local stack. */
describe('the starter model on local SageMaker hosting', () => {
  const dataDir = mkdtempSync(join(tmpdir(), `${PREFIX}-data-`));
  const dockerConfig = mkdtempSync(join(tmpdir(), `${PREFIX}-docker-`));
  const localImage = `${PREFIX}:test`;
  let stack: RunningLocalStack;
  let image: string | undefined;

  beforeAll(async () => {
    stack = await launchLocalStack({ dataDir, port: 0, registryPort: 0 });
  });
  afterAll(async () => {
    await stack.stop();
    await runProgram('docker', ['rmi', '--force', localImage, ...(image ? [image] : [])]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  it('deploys the starter image from the local registry and answers its smoke cases through InvokeEndpoint', async () => {
    const build = await runProgram('docker', [
      'build',
      '--quiet',
      '--tag',
      localImage,
      join(PROJECT_ROOT, 'action-templates/model-repo')
    ]);
    expect(build.code).toBe(0);
    const ecr = new ECRClient({ region, endpoint: stack.endpoint, credentials });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: PREFIX }));
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    const [user, password] = Buffer.from(authorizationData?.[0]?.authorizationToken as string, 'base64')
      .toString()
      .split(':') as [string, string];
    await runProgram(
      'docker',
      ['--config', dockerConfig, 'login', '--username', user, '--password-stdin', stack.registryHost],
      { input: password }
    );
    image = await pushToLocalRegistry(localImage, stack.registryHost, PREFIX, 'v1', dockerConfig);

    const sagemaker = new SageMakerClient({ region, endpoint: stack.endpoint, credentials });
    const runtime = new SageMakerRuntimeClient({ region, endpoint: stack.endpoint, credentials });
    await sagemaker.send(new CreateModelCommand({ ModelName: PREFIX, PrimaryContainer: { Image: image } }));
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: PREFIX,
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: PREFIX,
            InitialInstanceCount: 1,
            InstanceType: 'ml.m5.large'
          }
        ]
      })
    );
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: PREFIX, EndpointConfigName: PREFIX }));
    await waitUntilEndpointInService(
      { client: sagemaker, maxWaitTime: 180, minDelay: 1 },
      { EndpointName: PREFIX }
    );

    const csv = await runtime.send(
      new InvokeEndpointCommand({
        EndpointName: PREFIX,
        Body: Buffer.from(`${PATIENT}\n`),
        ContentType: 'text/csv',
        Accept: 'application/json'
      })
    );
    const prediction = JSON.parse(Buffer.from(csv.Body).toString('utf8')).predictions[0];
    expect(prediction).toBeCloseTo(230.926371, 2);

    await expect(
      runtime.send(
        new InvokeEndpointCommand({
          EndpointName: PREFIX,
          Body: Buffer.from(JSON.stringify({ instances: [[0.1, 0.2]] })),
          ContentType: 'application/json'
        })
      )
    ).rejects.toMatchObject({
      name: 'ModelError',
      OriginalStatusCode: 400,
      OriginalMessage: expect.stringContaining('expected 10 numbers')
    });

    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: PREFIX }));
    await waitUntilEndpointDeleted(
      { client: sagemaker, maxWaitTime: 60, minDelay: 1 },
      { EndpointName: PREFIX }
    );
  });
});
