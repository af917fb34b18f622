import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { createEcrService } from '../../../../../src/local-stack/services/ecr/index.js';
import { startInProcessStack, type InProcessStack } from '../../fixtures/in-process-stack.js';
import { declaredErrors, loadBotocoreModel, shapeViolations } from '../../fixtures/botocore-model.js';
import { basicFromToken, pushImage, type PushedImage } from '../../fixtures/registry-push.js';

const model = loadBotocoreModel('ecr', '2015-09-21');
const POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' }
    }
  ]
});
const ARN = 'arn:aws:ecr:us-east-1:000000000000:repository/model/repo';
const REPOSITORY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'pull', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['ecr:BatchGetImage'] }]
});

describe("ECR against botocore's service model", () => {
  let stack: InProcessStack;
  let image: PushedImage;

  /** One raw JSON 1.1 call, so the test sees exactly what is on the wire. */
  async function call(
    operation: string,
    input: object
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(stack.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${model.metadata['targetPrefix']}.${operation}`,
        authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/ecr/aws4_request, Signature=x'
      },
      body: JSON.stringify(input)
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    stack = await startInProcessStack();
    await call('CreateRepository', { repositoryName: 'model/repo', imageTagMutability: 'IMMUTABLE' });
    await call('CreateRepository', { repositoryName: 'model/empty' });
    const token = await stack.ecr.send(new GetAuthorizationTokenCommand({}));
    const authorization = basicFromToken(token.authorizationData?.[0]?.authorizationToken as string);
    image = await pushImage(stack.registryHost, authorization, 'model/repo', 'v1');
  });
  afterAll(() => stack.close());

  it('implements only operations the model has, with its protocol and names', () => {
    const service = createEcrService({
      state: {} as never,
      registry: { onManifestStored: () => undefined } as never,
      onReset: () => undefined
    });
    expect(service).toMatchObject({
      protocol: model.metadata['protocol'],
      signingName: model.metadata['signingName'],
      targetPrefix: model.metadata['targetPrefix'],
      jsonVersion: model.metadata['jsonVersion']
    });
    if (service.protocol !== 'json') throw new Error('ECR is a JSON service');
    const unknown = Object.keys(service.operations).filter((name) => !(name in model.operations));
    expect(unknown).toEqual([]);
  });

  const successes: [string, () => object][] = [
    ['CreateRepository', () => ({ repositoryName: 'model/created', tags: [{ Key: 'k', Value: 'v' }] })],
    ['DescribeRepositories', () => ({})],
    ['GetAuthorizationToken', () => ({})],
    ['DescribeImages', () => ({ repositoryName: 'model/repo' })],
    ['ListImages', () => ({ repositoryName: 'model/repo' })],
    [
      'BatchGetImage',
      () => ({ repositoryName: 'model/repo', imageIds: [{ imageTag: 'v1' }, { imageTag: 'nope' }] })
    ],
    [
      'PutImage',
      () => ({ repositoryName: 'model/repo', imageManifest: image.manifest, imageTag: 'v1-copy' })
    ],
    ['PutImageTagMutability', () => ({ repositoryName: 'model/empty', imageTagMutability: 'IMMUTABLE' })],
    [
      'PutImageScanningConfiguration',
      () => ({ repositoryName: 'model/empty', imageScanningConfiguration: { scanOnPush: true } })
    ],
    ['PutLifecyclePolicy', () => ({ repositoryName: 'model/repo', lifecyclePolicyText: POLICY })],
    ['GetLifecyclePolicy', () => ({ repositoryName: 'model/repo' })],
    ['StartLifecyclePolicyPreview', () => ({ repositoryName: 'model/repo' })],
    ['GetLifecyclePolicyPreview', () => ({ repositoryName: 'model/repo' })],
    ['SetRepositoryPolicy', () => ({ repositoryName: 'model/repo', policyText: REPOSITORY_POLICY })],
    ['GetRepositoryPolicy', () => ({ repositoryName: 'model/repo' })],
    ['DeleteRepositoryPolicy', () => ({ repositoryName: 'model/repo' })],
    ['PutRegistryPolicy', () => ({ policyText: REPOSITORY_POLICY })],
    ['GetRegistryPolicy', () => ({})],
    ['DeleteRegistryPolicy', () => ({})],
    [
      'PutReplicationConfiguration',
      () => ({
        replicationConfiguration: {
          rules: [
            {
              destinations: [{ region: 'eu-west-1', registryId: '000000000000' }],
              repositoryFilters: [{ filter: 'model', filterType: 'PREFIX_MATCH' }]
            }
          ]
        }
      })
    ],
    ['DescribeRegistry', () => ({})],
    ['TagResource', () => ({ resourceArn: ARN, tags: [{ Key: 'a', Value: 'b' }] })],
    ['ListTagsForResource', () => ({ resourceArn: ARN })],
    ['UntagResource', () => ({ resourceArn: ARN, tagKeys: ['a'] })],
    ['BatchDeleteImage', () => ({ repositoryName: 'model/repo', imageIds: [{ imageTag: 'v1-copy' }] })],
    ['DeleteLifecyclePolicy', () => ({ repositoryName: 'model/repo' })],
    ['DeleteRepository', () => ({ repositoryName: 'model/created' })]
  ];

  it.each(successes)('answers %s with the output shape of the model', async (operation, input) => {
    const { status, body } = await call(operation, input());
    expect(status).toBe(200);
    expect(shapeViolations(model, model.operations[operation]?.output?.shape as string, body)).toEqual([]);
  });

  const failures: [string, object, string][] = [
    ['CreateRepository', { repositoryName: 'model/repo' }, 'RepositoryAlreadyExistsException'],
    ['CreateRepository', { repositoryName: '-bad-' }, 'InvalidParameterException'],
    [
      'CreateRepository',
      { repositoryName: 'model/t', tags: [{ Key: '', Value: 'v' }] },
      'InvalidTagParameterException'
    ],
    ['DescribeRepositories', { repositoryNames: ['model/none'] }, 'RepositoryNotFoundException'],
    ['DescribeRepositories', { maxResults: 0 }, 'InvalidParameterException'],
    ['DeleteRepository', { repositoryName: 'model/none' }, 'RepositoryNotFoundException'],
    ['DeleteRepository', { repositoryName: 'model/repo' }, 'RepositoryNotEmptyException'],
    ['GetAuthorizationToken', { registryIds: ['not-an-account'] }, 'InvalidParameterException'],
    ['DescribeImages', { repositoryName: 'model/none' }, 'RepositoryNotFoundException'],
    [
      'DescribeImages',
      { repositoryName: 'model/repo', imageIds: [{ imageTag: 'nope' }] },
      'ImageNotFoundException'
    ],
    [
      'DescribeImages',
      { repositoryName: 'model/repo', filter: { tagStatus: 'SOME' } },
      'InvalidParameterException'
    ],
    ['ListImages', { repositoryName: 'model/none' }, 'RepositoryNotFoundException'],
    [
      'BatchGetImage',
      { repositoryName: 'model/none', imageIds: [{ imageTag: 'v1' }] },
      'RepositoryNotFoundException'
    ],
    ['BatchGetImage', { repositoryName: 'model/repo', imageIds: [] }, 'InvalidParameterException'],
    [
      'BatchDeleteImage',
      { repositoryName: 'model/none', imageIds: [{ imageTag: 'v1' }] },
      'RepositoryNotFoundException'
    ],
    [
      'PutImage',
      { repositoryName: 'model/repo', imageManifest: '{}', imageTag: 'x' },
      'InvalidParameterException'
    ],
    [
      'PutLifecyclePolicy',
      { repositoryName: 'model/repo', lifecyclePolicyText: '{}' },
      'InvalidParameterException'
    ],
    [
      'PutLifecyclePolicy',
      { repositoryName: 'model/none', lifecyclePolicyText: POLICY },
      'RepositoryNotFoundException'
    ],
    ['GetLifecyclePolicy', { repositoryName: 'model/empty' }, 'LifecyclePolicyNotFoundException'],
    ['StartLifecyclePolicyPreview', { repositoryName: 'model/empty' }, 'LifecyclePolicyNotFoundException'],
    [
      'GetLifecyclePolicyPreview',
      { repositoryName: 'model/empty' },
      'LifecyclePolicyPreviewNotFoundException'
    ],
    ['GetRepositoryPolicy', { repositoryName: 'model/empty' }, 'RepositoryPolicyNotFoundException'],
    ['DeleteRepositoryPolicy', { repositoryName: 'model/none' }, 'RepositoryNotFoundException'],
    ['SetRepositoryPolicy', { repositoryName: 'model/repo', policyText: '{' }, 'InvalidParameterException'],
    ['PutRegistryPolicy', { policyText: '{"Statement": []}' }, 'InvalidParameterException'],
    ['GetRegistryPolicy', {}, 'RegistryPolicyNotFoundException'],
    [
      'PutReplicationConfiguration',
      { replicationConfiguration: { rules: [{ destinations: [{ region: 'x', registryId: '1' }] }] } },
      'InvalidParameterException'
    ],
    [
      'DescribeImageScanFindings',
      { repositoryName: 'model/repo', imageId: { imageTag: 'v1' } },
      'ScanNotFoundException'
    ],
    [
      'DescribeImageScanFindings',
      { repositoryName: 'model/repo', imageId: { imageTag: 'nope' } },
      'ImageNotFoundException'
    ],
    ['DeleteLifecyclePolicy', { repositoryName: 'model/empty' }, 'LifecyclePolicyNotFoundException'],
    [
      'PutImageTagMutability',
      { repositoryName: 'model/repo', imageTagMutability: 'NEVER' },
      'InvalidParameterException'
    ],
    [
      'PutImageScanningConfiguration',
      { repositoryName: 'model/none', imageScanningConfiguration: {} },
      'RepositoryNotFoundException'
    ],
    ['TagResource', { resourceArn: 'arn:aws:s3:::b', tags: [] }, 'InvalidParameterException'],
    [
      'TagResource',
      { resourceArn: ARN, tags: [{ Key: 'aws:x', Value: 'v' }] },
      'InvalidTagParameterException'
    ],
    [
      'TagResource',
      {
        resourceArn: ARN,
        tags: Array.from({ length: 51 }, (_, index) => ({ Key: `k${index}`, Value: 'v' }))
      },
      'TooManyTagsException'
    ],
    [
      'UntagResource',
      { resourceArn: ARN.replace('model/repo', 'model/none'), tagKeys: ['a'] },
      'RepositoryNotFoundException'
    ],
    ['ListTagsForResource', { resourceArn: 'nonsense' }, 'InvalidParameterException']
  ];

  it.each(failures)(
    'answers %s %j with %s, an error the model declares for it',
    async (operation, input, code) => {
      expect(declaredErrors(model, operation)).toContain(code);
      const { status, body } = await call(operation, input);
      expect(status).toBe(400);
      expect(body['__type']).toBe(code);
      expect(typeof body['message']).toBe('string');
    }
  );

  it('refuses PutImage over an immutable tag with ImageTagAlreadyExistsException, as declared', async () => {
    expect(declaredErrors(model, 'PutImage')).toContain('ImageTagAlreadyExistsException');
    const other = JSON.stringify({ ...JSON.parse(image.manifest), annotations: { changed: 'yes' } });
    const { body } = await call('PutImage', {
      repositoryName: 'model/repo',
      imageManifest: other,
      imageTag: 'v1'
    });
    expect(body['__type']).toBe('ImageTagAlreadyExistsException');
  });
});
