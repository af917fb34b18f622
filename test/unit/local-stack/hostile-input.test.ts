import {
  CloudFormationClient,
  CreateStackCommand,
  ListStacksCommand,
  waitUntilStackCreateComplete
} from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  CreateModelPackageGroupCommand,
  ListModelPackageGroupsCommand,
  SageMakerClient
} from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startInProcessStack, TEST_CREDENTIALS, type InProcessStack } from './fixtures/in-process-stack.js';
import {
  expectRefused,
  firstResponseTo,
  generatedHostileRequests,
  namedHostileRequests,
  pollutionAttempts,
  sendHostile,
  signedFor
} from '../../helpers/hostile-requests.js';

/**
 * Issue 15's hostile-input suite against the whole stack in this process, where Object.prototype itself
 * can be checked afterwards. Every request aborts after 5 s, so a request that blocks the stack fails.
 */
describe('the local stack under hostile input', () => {
  let stack: InProcessStack;
  let port: number;
  let clients: {
    cloudFormation: CloudFormationClient;
    sageMaker: SageMakerClient;
    sts: STSClient;
  };
  const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    stack = await startInProcessStack();
    port = Number(new URL(stack.endpoint).port);
    const config = { region: stack.region, endpoint: stack.endpoint, credentials: TEST_CREDENTIALS };
    clients = {
      cloudFormation: new CloudFormationClient(config),
      sageMaker: new SageMakerClient(config),
      sts: new STSClient(config)
    };
    await stack.ecr.send(new CreateRepositoryCommand({ repositoryName: 'hostile/app' }));
    await clients.sageMaker.send(
      new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'hostile-group' })
    );
    await clients.cloudFormation.send(
      new CreateStackCommand({
        StackName: 'hostile-stack',
        TemplateBody:
          'Resources: {Setting: {Type: AWS::SSM::Parameter, Properties: {Type: String, Value: x}}}'
      })
    );
    await waitUntilStackCreateComplete(
      { client: clients.cloudFormation, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
      { StackName: 'hostile-stack' }
    );
  });
  afterAll(async () => {
    Object.values(clients).forEach((client) => client.destroy());
    await stack.close();
  });

  it.each(namedHostileRequests().map((request) => [request.name, request] as const))(
    'refuses %s with an AWS-shaped error',
    async (_name, request) => expectRefused(stack.endpoint, request)
  );

  it.each(generatedHostileRequests().map((request) => [request.name, request] as const))(
    'refuses %s with an AWS-shaped 4xx',
    async (_name, request) => expectRefused(stack.endpoint, request)
  );

  it.each(pollutionAttempts().map((request) => [request.name, request] as const))(
    'answers %s as AWS does, ignoring the name',
    async (_name, request) => {
      const answer = await sendHostile(stack.endpoint, request);
      expect([answer.status, answer.body]).toEqual([200, expect.any(String)]);
    }
  );

  it('answers bytes that are not HTTP with an AWS-shaped 400', async () => {
    const answer = await firstResponseTo(port, 'GARBAGE \x00\x01\x02 not http\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      __type: 'BadRequest',
      message: expect.stringContaining('not well-formed HTTP')
    });
  });

  it('refuses a body over the limit from its Content-Length, before a byte of it is sent', async () => {
    const answer = await firstResponseTo(
      port,
      'POST / HTTP/1.1\r\nhost: localhost\r\nx-amz-target: SageMaker.ListModelPackageGroups\r\n' +
        'content-type: application/x-amz-json-1.1\r\ncontent-length: 52428800\r\n\r\n'
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(answer).toContain('"__type":"RequestEntityTooLarge"');
  });

  it('answers a client expecting 100 Continue with the 413 instead, so it never sends the body', async () => {
    const answer = await firstResponseTo(
      port,
      `POST /endpoints/any/invocations HTTP/1.1\r\nhost: localhost\r\n${authorization('sagemaker')}` +
        'content-type: application/json\r\nexpect: 100-continue\r\ncontent-length: 7340032\r\n\r\n'
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(answer).toMatch(/connection: close/i);
  });

  it('refuses a chunked body once it passes the limit, while the client is still sending', async () => {
    const chunk = 'a'.repeat(2 * 1024 * 1024);
    const answer = await firstResponseTo(
      port,
      `POST / HTTP/1.1\r\nhost: localhost\r\n${authorization('cloudformation')}` +
        'content-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\n\r\n',
      `${chunk.length.toString(16)}\r\n${chunk}\r\n`
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(answer).toContain('<Code>RequestEntityTooLarge</Code>');
  });

  it('still answers every service correctly, and Object.prototype is untouched', async () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
    expect(({} as Record<string, unknown>)['maxResults']).toBeUndefined();

    const stacks = await clients.cloudFormation.send(new ListStacksCommand({}));
    expect(stacks.StackSummaries?.map((summary) => [summary.StackName, summary.StackStatus])).toEqual([
      ['hostile-stack', 'CREATE_COMPLETE']
    ]);
    const repositories = await stack.ecr.send(new DescribeRepositoriesCommand({}));
    expect(repositories.repositories?.map((repository) => repository.repositoryName)).toEqual([
      'hostile/app'
    ]);
    const groups = await clients.sageMaker.send(new ListModelPackageGroupsCommand({}));
    expect(groups.ModelPackageGroupSummaryList?.map((group) => group.ModelPackageGroupName)).toEqual([
      'hostile-group'
    ]);
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({
      Account: stack.accountId,
      UserId: TEST_CREDENTIALS.accessKeyId,
      Arn: `arn:aws:iam::${stack.accountId}:user/modelship-local`
    });
  });
});

function authorization(service: string): string {
  return `authorization: ${signedFor(service).authorization}\r\n`;
}
