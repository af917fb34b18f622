import { jest } from '@jest/globals';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { startInProcessStack, type InProcessStack } from '../../fixtures/in-process-stack.js';
import { basicFromToken, pushImage, type PushedImage } from '../../fixtures/registry-push.js';
import { runProgram } from '../../../../helpers/local-stack.js';

jest.setTimeout(60_000);

/** Policies, replication, scan findings and error codes, through boto3 and the AWS CLI. */
describe('ECR policies, registry settings and error codes (boto3, AWS CLI)', () => {
  let stack: InProcessStack;
  let image: PushedImage;
  let env: Record<string, string>;

  beforeAll(async () => {
    stack = await startInProcessStack();
    env = {
      AWS_ENDPOINT_URL: stack.endpoint,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local-secret'
    };
    const run = await runProgram(
      'aws',
      ['ecr', 'create-repository', '--repository-name', 'policies/app', '--output', 'json'],
      { env }
    );
    expect(run.stderr).toBe('');
    const token = await stack.ecr.send(new GetAuthorizationTokenCommand({}));
    const authorization = basicFromToken(token.authorizationData?.[0]?.authorizationToken as string);
    image = await pushImage(stack.registryHost, authorization, 'policies/app', 'v1');
  });
  afterAll(() => stack.close());

  it('round-trips repository and registry policies and the replication configuration with boto3', async () => {
    const script = `
import json, boto3
from botocore.exceptions import ClientError
ecr = boto3.client("ecr")
def code(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as error:
        return error.response["Error"]["Code"]
policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "pull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": ["ecr:BatchGetImage"]}]})
out = {}
out["noRepositoryPolicy"] = code(ecr.get_repository_policy, repositoryName="policies/app")
out["set"] = ecr.set_repository_policy(repositoryName="policies/app", policyText=policy)["policyText"] == policy
out["get"] = json.loads(ecr.get_repository_policy(repositoryName="policies/app")["policyText"])["Statement"][0]["Sid"]
out["deleted"] = ecr.delete_repository_policy(repositoryName="policies/app")["policyText"] == policy
out["afterDelete"] = code(ecr.delete_repository_policy, repositoryName="policies/app")
out["notJson"] = code(ecr.set_repository_policy, repositoryName="policies/app", policyText="{not json")
out["missingRepository"] = code(ecr.set_repository_policy, repositoryName="policies/none", policyText=policy)
out["noRegistryPolicy"] = code(ecr.get_registry_policy)
put = ecr.put_registry_policy(policyText=policy)
out["registryPolicy"] = [put["registryId"], ecr.get_registry_policy()["policyText"] == policy]
ecr.delete_registry_policy()
out["registryPolicyAfterDelete"] = code(ecr.get_registry_policy)
out["registryBefore"] = ecr.describe_registry()["replicationConfiguration"]
rules = {"rules": [{"destinations": [{"region": "eu-west-1", "registryId": "000000000000"}], "repositoryFilters": [{"filter": "policies", "filterType": "PREFIX_MATCH"}]}]}
ecr.put_replication_configuration(replicationConfiguration=rules)
out["registryAfter"] = ecr.describe_registry()["replicationConfiguration"] == rules
out["badReplication"] = code(ecr.put_replication_configuration, replicationConfiguration={"rules": [{"destinations": [{"region": "eu-west-1", "registryId": "12"}]}]})
print(json.dumps(out))
`;
    const run = await runProgram('python3', ['-c', script], { env });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      noRepositoryPolicy: 'RepositoryPolicyNotFoundException',
      set: true,
      get: 'pull',
      deleted: true,
      afterDelete: 'RepositoryPolicyNotFoundException',
      notJson: 'InvalidParameterException',
      missingRepository: 'RepositoryNotFoundException',
      noRegistryPolicy: 'RegistryPolicyNotFoundException',
      registryPolicy: ['000000000000', true],
      registryPolicyAfterDelete: 'RegistryPolicyNotFoundException',
      registryBefore: { rules: [] },
      registryAfter: true,
      badReplication: 'InvalidParameterException'
    });
  });

  it.each([
    [
      'describe-image-scan-findings for an image never scanned',
      ['describe-image-scan-findings', '--repository-name', 'policies/app', '--image-id', 'imageTag=v1'],
      'ScanNotFoundException'
    ],
    [
      'describe-image-scan-findings for a missing image',
      ['describe-image-scan-findings', '--repository-name', 'policies/app', '--image-id', 'imageTag=v9'],
      'ImageNotFoundException'
    ],
    [
      'list-images on a missing repository',
      ['list-images', '--repository-name', 'policies/none'],
      'RepositoryNotFoundException'
    ],
    [
      'describe-images for a missing image of an existing repository',
      ['describe-images', '--repository-name', 'policies/app', '--image-ids', 'imageTag=v9'],
      'ImageNotFoundException'
    ]
  ])('answers %s with %s (AWS CLI)', async (_case, args, code) => {
    const run = await runProgram('aws', ['ecr', ...args], { env });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`(${code})`);
  });

  it('names the scanned image in ScanNotFoundException as ECR does', async () => {
    const run = await runProgram(
      'aws',
      [
        'ecr',
        'describe-image-scan-findings',
        '--repository-name',
        'policies/app',
        '--image-id',
        `imageDigest=${image.digest}`
      ],
      { env }
    );
    expect(run.stderr).toContain(
      `Image scan does not exist for the image with '{imageDigest:'${image.digest}', imageTag:'null'}' in the repository with name 'policies/app' in the registry with id '000000000000'`
    );
  });
});
