import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
  paginateDescribeRepositories
} from '@aws-sdk/client-ecr';
import { startInProcessStack, type InProcessStack } from '../../fixtures/in-process-stack.js';
import { basicFromToken, pushImage } from '../../fixtures/registry-push.js';

const POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'keep the last 10 images',
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 },
      action: { type: 'expire' }
    }
  ]
});

describe('ECR repositories (SDK v3 against the in-process stack)', () => {
  let stack: InProcessStack;
  beforeAll(async () => {
    stack = await startInProcessStack();
  });
  afterAll(() => stack.close());

  const create = (repositoryName: string, extra: Record<string, unknown> = {}) =>
    stack.ecr.send(new CreateRepositoryCommand({ repositoryName, ...extra }));

  it('creates a repository with ECR defaults and a URI on the local registry', async () => {
    const { repository } = await create('repos/defaults');
    expect(repository).toEqual({
      repositoryArn: 'arn:aws:ecr:us-east-1:000000000000:repository/repos/defaults',
      registryId: '000000000000',
      repositoryName: 'repos/defaults',
      repositoryUri: `${stack.registryHost}/repos/defaults`,
      createdAt: expect.any(Date),
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: false },
      encryptionConfiguration: { encryptionType: 'AES256' }
    });
  });

  it('keeps the requested settings, defaulting a KMS key to the AWS managed one', async () => {
    const { repository } = await create('repos/settings', {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest*' }],
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'KMS' },
      tags: [{ Key: 'team', Value: 'ml' }]
    });
    expect(repository).toMatchObject({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest*' }],
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: {
        encryptionType: 'KMS',
        kmsKey: expect.stringMatching(
          /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
        )
      }
    });
    // One AWS managed key per account and region: a second repository names the same key.
    const other = await create('repos/settings-2', { encryptionConfiguration: { encryptionType: 'KMS' } });
    expect(other.repository?.encryptionConfiguration?.kmsKey).toBe(
      repository?.encryptionConfiguration?.kmsKey
    );
    const tags = await stack.ecr.send(
      new ListTagsForResourceCommand({ resourceArn: repository?.repositoryArn })
    );
    expect(tags.tags).toEqual([{ Key: 'team', Value: 'ml' }]);
  });

  it.each([
    ['a name against the model pattern', { repositoryName: 'Upper/Case' }, 'InvalidParameterException'],
    ['a one-character name', { repositoryName: 'a' }, 'InvalidParameterException'],
    [
      'an unknown mutability',
      { repositoryName: 'x-1', imageTagMutability: 'SOMETIMES' },
      'InvalidParameterException'
    ],
    [
      'exclusion filters without an exclusion mode',
      {
        repositoryName: 'x-2',
        imageTagMutability: 'IMMUTABLE',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'a' }]
      },
      'InvalidParameterException'
    ],
    [
      'a KMS key with AES256',
      { repositoryName: 'x-3', encryptionConfiguration: { encryptionType: 'AES256', kmsKey: 'k' } },
      'InvalidParameterException'
    ],
    [
      'a reserved tag key',
      { repositoryName: 'x-4', tags: [{ Key: 'aws:x', Value: 'y' }] },
      'InvalidTagParameterException'
    ],
    [
      'more than 50 tags',
      {
        repositoryName: 'x-5',
        tags: Array.from({ length: 51 }, (_, index) => ({ Key: `k${index}`, Value: 'v' }))
      },
      'TooManyTagsException'
    ]
  ])('refuses %s', async (_case, input, code) => {
    await expect(stack.ecr.send(new CreateRepositoryCommand(input as never))).rejects.toMatchObject({
      name: code
    });
  });

  it('refuses a second repository of the same name', async () => {
    await create('repos/twice');
    await expect(create('repos/twice')).rejects.toMatchObject({
      name: 'RepositoryAlreadyExistsException',
      message: "The repository with name 'repos/twice' already exists in the registry with id '000000000000'"
    });
  });

  it('describes repositories by name, all of them, and page by page', async () => {
    await create('pages/a');
    await create('pages/b');
    await create('pages/c');
    const named = await stack.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['pages/b'] }));
    expect(named.repositories?.map((repository) => repository.repositoryName)).toEqual(['pages/b']);
    await expect(
      stack.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['pages/b', 'pages/missing'] }))
    ).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });

    const all = await stack.ecr.send(new DescribeRepositoriesCommand({}));
    const paged: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeRepositories({ client: stack.ecr, pageSize: 2 }, {})) {
      pages += 1;
      paged.push(...(page.repositories ?? []).map((repository) => repository.repositoryName as string));
    }
    expect(paged).toEqual(all.repositories?.map((repository) => repository.repositoryName));
    expect(pages).toBe(Math.ceil(paged.length / 2));
    await expect(
      stack.ecr.send(new DescribeRepositoriesCommand({ nextToken: 'garbage' }))
    ).rejects.toMatchObject({
      name: 'InvalidParameterException'
    });
  });

  it('answers for another registry id as ECR does: not found', async () => {
    await create('repos/mine');
    await expect(
      stack.ecr.send(
        new DescribeRepositoriesCommand({ registryId: '111122223333', repositoryNames: ['repos/mine'] })
      )
    ).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
      message: "The repository with name 'repos/mine' does not exist in the registry with id '111122223333'"
    });
  });

  it('deletes an empty repository, refuses one with images unless forced', async () => {
    await create('del/empty');
    const { repository } = await stack.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'del/empty' }));
    expect(repository?.repositoryName).toBe('del/empty');
    await expect(
      stack.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'del/empty' }))
    ).rejects.toMatchObject({
      name: 'RepositoryNotFoundException'
    });

    await create('del/full');
    const token = await stack.ecr.send(new GetAuthorizationTokenCommand({}));
    const authorization = basicFromToken(token.authorizationData?.[0]?.authorizationToken as string);
    const image = await pushImage(stack.registryHost, authorization, 'del/full', 'v1');
    await expect(
      stack.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'del/full' }))
    ).rejects.toMatchObject({
      name: 'RepositoryNotEmptyException'
    });
    await stack.ecr.send(new DeleteRepositoryCommand({ repositoryName: 'del/full', force: true }));
    expect(await stack.registry.client.manifestDigest('del/full', image.digest)).toBeUndefined();

    // A repository of the same name starts empty.
    await create('del/full');
    expect(await stack.registry.client.tags('del/full')).toEqual([]);
  });

  it('changes tag mutability and scanning configuration', async () => {
    await create('settings/change');
    const mutability = await stack.ecr.send(
      new PutImageTagMutabilityCommand({ repositoryName: 'settings/change', imageTagMutability: 'IMMUTABLE' })
    );
    expect(mutability).toMatchObject({
      registryId: '000000000000',
      repositoryName: 'settings/change',
      imageTagMutability: 'IMMUTABLE'
    });
    const scanning = await stack.ecr.send(
      new PutImageScanningConfigurationCommand({
        repositoryName: 'settings/change',
        imageScanningConfiguration: { scanOnPush: true }
      })
    );
    expect(scanning.imageScanningConfiguration).toEqual({ scanOnPush: true });
    const { repositories } = await stack.ecr.send(
      new DescribeRepositoriesCommand({ repositoryNames: ['settings/change'] })
    );
    expect(repositories?.[0]).toMatchObject({
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true }
    });
    await expect(
      stack.ecr.send(
        new PutImageTagMutabilityCommand({ repositoryName: 'settings/none', imageTagMutability: 'MUTABLE' })
      )
    ).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
  });

  it('puts, gets and deletes a lifecycle policy, validating it first', async () => {
    await create('lifecycle/repo');
    const repositoryName = 'lifecycle/repo';
    await expect(stack.ecr.send(new GetLifecyclePolicyCommand({ repositoryName }))).rejects.toMatchObject({
      name: 'LifecyclePolicyNotFoundException'
    });
    const put = await stack.ecr.send(
      new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: POLICY })
    );
    expect(put).toMatchObject({ registryId: '000000000000', repositoryName, lifecyclePolicyText: POLICY });
    expect(
      (await stack.ecr.send(new GetLifecyclePolicyCommand({ repositoryName }))).lifecyclePolicyText
    ).toBe(POLICY);

    const invalid = POLICY.replace('"imageCountMoreThan"', '"imageCountAbout"');
    await expect(
      stack.ecr.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: invalid }))
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('countType')
    });

    await stack.ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName }));
    await expect(stack.ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName }))).rejects.toMatchObject({
      name: 'LifecyclePolicyNotFoundException'
    });
  });

  it('tags and untags a repository by ARN', async () => {
    const { repository } = await create('tags/repo', { tags: [{ Key: 'a', Value: '1' }] });
    const resourceArn = repository?.repositoryArn as string;
    await stack.ecr.send(
      new TagResourceCommand({
        resourceArn,
        tags: [
          { Key: 'a', Value: '2' },
          { Key: 'b', Value: '3' }
        ]
      })
    );
    await stack.ecr.send(new UntagResourceCommand({ resourceArn, tagKeys: ['b'] }));
    expect((await stack.ecr.send(new ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([
      { Key: 'a', Value: '2' }
    ]);
    await expect(
      stack.ecr.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:s3:::bucket' }))
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      stack.ecr.send(
        new ListTagsForResourceCommand({ resourceArn: resourceArn.replace('tags/repo', 'tags/none') })
      )
    ).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
  });

  it('keeps repositories across a restart on the same data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'modelship-ecr-restart-'));
    try {
      const first = await startInProcessStack({ dataDir });
      await first.ecr.send(
        new CreateRepositoryCommand({ repositoryName: 'restart/kept', imageTagMutability: 'IMMUTABLE' })
      );
      await first.close();
      const second = await startInProcessStack({ dataDir });
      try {
        const { repositories } = await second.ecr.send(
          new DescribeRepositoriesCommand({ repositoryNames: ['restart/kept'] })
        );
        expect(repositories?.[0]).toMatchObject({
          imageTagMutability: 'IMMUTABLE',
          createdAt: expect.any(Date)
        });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
