import { jest } from '@jest/globals';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand
} from '@aws-sdk/client-cloudformation';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  PutLifecyclePolicyCommand
} from '@aws-sdk/client-ecr';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CreateModelPackageGroupCommand,
  ListModelPackageGroupsCommand,
  SageMakerClient
} from '@aws-sdk/client-sagemaker';
import { RESET_PATH } from '../../../src/local-stack/server.js';
import { startInProcessStack, TEST_CREDENTIALS, type InProcessStack } from './fixtures/in-process-stack.js';
import { basicFromToken, pushImage } from './fixtures/registry-push.js';

jest.setTimeout(60_000);

const LIFECYCLE = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 },
      action: { type: 'expire' }
    }
  ]
});

describe('resetting the running stack (POST /_modelship/reset, `modelship local reset`)', () => {
  let stack: InProcessStack;
  beforeAll(async () => {
    stack = await startInProcessStack({ accountId: '123456789012', region: 'eu-west-1' });
  });
  afterAll(() => stack.close());

  it("empties every service's state and the registry, keeping registry logins valid", async () => {
    const clientOptions = { region: 'eu-west-1', endpoint: stack.endpoint, credentials: TEST_CREDENTIALS };
    const cloudformation = new CloudFormationClient(clientOptions);
    const sagemaker = new SageMakerClient(clientOptions);
    try {
      await stack.ecr.send(new CreateRepositoryCommand({ repositoryName: 'reset/app' }));
      await stack.ecr.send(
        new PutLifecyclePolicyCommand({ repositoryName: 'reset/app', lifecyclePolicyText: LIFECYCLE })
      );
      const token = await stack.ecr.send(new GetAuthorizationTokenCommand({}));
      const authorization = basicFromToken(token.authorizationData?.[0]?.authorizationToken as string);
      const image = await pushImage(stack.registryHost, authorization, 'reset/app', 'v1');
      await cloudformation.send(
        new CreateStackCommand({
          StackName: 'reset-stack',
          TemplateBody:
            'Resources:\n  P: { Type: AWS::SSM::Parameter, Properties: { Type: String, Value: x } }\n'
        })
      );
      await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'reset-group' }));

      const response = await fetch(`${stack.endpoint}${RESET_PATH}`, { method: 'POST' });
      expect(response.status).toBe(200);

      expect((await stack.ecr.send(new DescribeRepositoriesCommand({}))).repositories).toEqual([]);
      await expect(
        cloudformation.send(new DescribeStacksCommand({ StackName: 'reset-stack' }))
      ).rejects.toThrow('does not exist');
      expect(
        (await sagemaker.send(new ListModelPackageGroupsCommand({}))).ModelPackageGroupSummaryList
      ).toEqual([]);

      // The same repository name starts empty: the image is gone from the registry, not only from ECR.
      await stack.ecr.send(new CreateRepositoryCommand({ repositoryName: 'reset/app' }));
      const manifest = await fetch(`http://${stack.registryHost}/v2/reset/app/manifests/${image.digest}`, {
        headers: { authorization, accept: 'application/vnd.docker.distribution.manifest.v2+json' }
      });
      expect(manifest.status).toBe(404);
      const tags = await fetch(`http://${stack.registryHost}/v2/reset/app/tags/list`, {
        headers: { authorization }
      });
      expect(((await tags.json()) as { tags?: string[] | null }).tags ?? []).toEqual([]);

      // The account the stack was started with is kept, and so is the partition of the region.
      const sts = new STSClient(clientOptions);
      expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
        Account: '123456789012',
        Arn: 'arn:aws:iam::123456789012:user/modelship-local'
      });
      sts.destroy();
    } finally {
      cloudformation.destroy();
      sagemaker.destroy();
    }
  });

  it.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov']
  ])('names the partition of %s (%s) in GetCallerIdentity', async (region, partition) => {
    const sts = new STSClient({ region, endpoint: stack.endpoint, credentials: TEST_CREDENTIALS });
    try {
      expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(
        `arn:${partition}:iam::123456789012:user/modelship-local`
      );
    } finally {
      sts.destroy();
    }
  });
});
