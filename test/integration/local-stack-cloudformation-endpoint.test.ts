import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  UpdateStackCommand,
  type Parameter
} from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';
import { waitForStack } from '../unit/local-stack/services/cloudformation/harness.js';

/** The model image's build context: a tiny Perl server answering the SageMaker container contract. */
const MODEL_IMAGE_CONTEXT = join(PROJECT_ROOT, 'test/integration/local-stack-cloudformation-model');

const DOCKER_TIMEOUT_MS = 600_000;

/**
 * The shipped real-time template deployed by the local CloudFormation onto the local SageMaker hosting,
 * with real containers: a model image that answers /ping serves; one that exits at startup fails the
 * stack with the container's last words, and the endpoint keeps serving what it served before.
 */
describe('local CloudFormation deploying SageMaker endpoints with real containers', () => {
  const repository = `cfn-it-${process.pid}/model`;
  const endpointName = `cfn-it-${process.pid}`;
  const dockerConfig = mkdtempSync(join(tmpdir(), 'cfn-it-docker-'));
  const images: string[] = [];
  let v1 = '';
  let v2 = '';
  let broken = '';
  let stack: LocalStackHandle;
  let cloudformation: CloudFormationClient;
  let runtime: SageMakerRuntimeClient;

  const clientConfig = () => ({
    endpoint: stack.endpoint,
    region: stack.env['AWS_REGION']!,
    credentials: {
      accessKeyId: stack.env['AWS_ACCESS_KEY_ID']!,
      secretAccessKey: stack.env['AWS_SECRET_ACCESS_KEY']!
    }
  });

  /** Builds and pushes the model image at `tag`; `healthy: false` builds one that exits at startup. */
  async function pushImage(tag: string, healthy: boolean): Promise<string> {
    const reference = `${stack.registryHost}/${repository}:${tag}`;
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

  const parameters = (image: string, endpoint = endpointName): Parameter[] => [
    { ParameterKey: 'ImageUri', ParameterValue: image },
    { ParameterKey: 'ExecutionRoleArn', ParameterValue: 'arn:aws:iam::000000000000:role/modelship-local' },
    { ParameterKey: 'EndpointName', ParameterValue: endpoint },
    { ParameterKey: 'ModelVersion', ParameterValue: image.split(':').pop()! },
    { ParameterKey: 'BakeTimeSeconds', ParameterValue: '0' }
  ];

  const invoke = async () => {
    const response = await runtime.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        ContentType: 'text/csv',
        Body: Buffer.from('1,2,3')
      })
    );
    return JSON.parse(Buffer.from(response.Body).toString('utf8')) as { version: string };
  };

  const containersOf = async (image: string) =>
    (await runProgram('docker', ['ps', '-aq', '--filter', `ancestor=${image}`])).stdout.trim();

  beforeAll(async () => {
    stack = await startLocalStack();
    cloudformation = new CloudFormationClient(clientConfig());
    runtime = new SageMakerRuntimeClient(clientConfig());
    const ecr = new ECRClient(clientConfig());
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    ecr.destroy();
    const [user, password] = Buffer.from(authorizationData![0]!.authorizationToken!, 'base64')
      .toString()
      .split(':') as [string, string];
    const login = await runProgram(
      'docker',
      ['--config', dockerConfig, 'login', '--username', user, '--password-stdin', stack.registryHost],
      { input: password }
    );
    if (login.code !== 0) throw new Error(`docker login failed: ${login.stderr}`);
    v1 = await pushImage('v1', true);
    v2 = await pushImage('v2', true);
    broken = await pushImage('broken', false);
  }, DOCKER_TIMEOUT_MS);

  afterAll(async () => {
    cloudformation?.destroy();
    runtime?.destroy();
    await stack?.stop();
    if (images.length > 0) await runProgram('docker', ['rmi', '-f', ...images]);
    rmSync(dockerConfig, { recursive: true, force: true });
  }, DOCKER_TIMEOUT_MS);

  it(
    'creates the endpoint, rolls a new image out, rolls a broken one back while the old one serves, and deletes it',
    async () => {
      const template = readFileSync(
        join(PROJECT_ROOT, 'action-templates/cloudformation/realtime-endpoint.yaml'),
        'utf8'
      );
      const stackName = `cfn-it-${process.pid}`;

      await cloudformation.send(
        new CreateStackCommand({ StackName: stackName, TemplateBody: template, Parameters: parameters(v1) })
      );
      const created = await waitForStack(cloudformation, stackName);
      expect(created.StackStatus).toBe('CREATE_COMPLETE');
      expect((await invoke()).version).toBe('v1');
      const endpointArn = created.Outputs?.find((output) => output.OutputKey === 'EndpointArn')?.OutputValue;

      await cloudformation.send(
        new UpdateStackCommand({ StackName: stackName, TemplateBody: template, Parameters: parameters(v2) })
      );
      const updated = await waitForStack(cloudformation, stackName);
      expect(updated.StackStatus).toBe('UPDATE_COMPLETE');
      expect(updated.Outputs?.find((output) => output.OutputKey === 'EndpointArn')?.OutputValue).toBe(
        endpointArn
      );
      expect((await invoke()).version).toBe('v2');

      await cloudformation.send(
        new UpdateStackCommand({
          StackName: stackName,
          TemplateBody: template,
          Parameters: parameters(broken)
        })
      );
      const rolledBack = await waitForStack(cloudformation, stackName);
      expect(rolledBack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
      const { StackEvents } = await cloudformation.send(
        new DescribeStackEventsCommand({ StackName: stackName })
      );
      const failure = StackEvents?.find(
        (event) => event.LogicalResourceId === 'Endpoint' && event.ResourceStatus === 'UPDATE_FAILED'
      );
      expect(failure?.ResourceStatusReason).toContain(
        `Endpoint ${endpointName} could not be brought to InService`
      );
      expect(failure?.ResourceStatusReason).toContain('model failed to load: weights missing');
      expect((await invoke()).version).toBe('v2');
      expect(await containersOf(broken)).toBe('');

      await cloudformation.send(new DeleteStackCommand({ StackName: stackName }));
      expect((await waitForStack(cloudformation, created.StackId!)).StackStatus).toBe('DELETE_COMPLETE');
      expect(await containersOf(v2)).toBe('');
      await expect(invoke()).rejects.toThrow();
    },
    DOCKER_TIMEOUT_MS
  );

  it(
    'rolls back a create whose image never becomes healthy, with the container’s failure as the reason',
    async () => {
      const template = readFileSync(
        join(PROJECT_ROOT, 'action-templates/cloudformation/serverless-endpoint.yaml'),
        'utf8'
      );
      const stackName = `cfn-it-broken-${process.pid}`;
      await cloudformation.send(
        new CreateStackCommand({
          StackName: stackName,
          TemplateBody: template,
          Parameters: parameters(broken, `${endpointName}-broken`).filter(
            (parameter) => parameter.ParameterKey !== 'BakeTimeSeconds'
          )
        })
      );
      const stackState = await waitForStack(cloudformation, stackName);
      expect(stackState.StackStatus).toBe('ROLLBACK_COMPLETE');
      const { StackEvents } = await cloudformation.send(
        new DescribeStackEventsCommand({ StackName: stackName })
      );
      const failure = StackEvents?.find(
        (event) => event.LogicalResourceId === 'Endpoint' && event.ResourceStatus === 'CREATE_FAILED'
      );
      expect(failure?.ResourceStatusReason).toMatch(/could not be brought to InService/);
      expect(failure?.ResourceStatusReason).toContain('model failed to load: weights missing');
      expect(await containersOf(broken)).toBe('');
    },
    DOCKER_TIMEOUT_MS
  );
});
