import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  ListImagesCommand,
  PutImageCommand
} from '@aws-sdk/client-ecr';
import { startInProcessStack, type InProcessStack } from '../../fixtures/in-process-stack.js';
import {
  basicFromToken,
  MANIFEST_MEDIA_TYPE,
  pushImage,
  putManifest,
  type PushedImage
} from '../../fixtures/registry-push.js';

describe('ECR images (SDK v3 against the in-process stack and its real registry)', () => {
  let stack: InProcessStack;
  let authorization: string;
  beforeAll(async () => {
    stack = await startInProcessStack();
    const token = await stack.ecr.send(new GetAuthorizationTokenCommand({}));
    authorization = basicFromToken(token.authorizationData?.[0]?.authorizationToken as string);
  });
  afterAll(() => stack.close());

  async function repositoryWith(name: string, images: [string, string[]][], mutability = 'MUTABLE') {
    await stack.ecr.send(
      new CreateRepositoryCommand({ repositoryName: name, imageTagMutability: mutability as 'MUTABLE' })
    );
    const pushed: PushedImage[] = [];
    for (const [firstTag, otherTags] of images) {
      const image = await pushImage(stack.registryHost, authorization, name, firstTag, 700 + pushed.length);
      for (const tag of otherTags) {
        await stack.ecr.send(
          new PutImageCommand({ repositoryName: name, imageManifest: image.manifest, imageTag: tag })
        );
      }
      pushed.push(image);
    }
    return pushed;
  }

  it('hands out a token that logs in to the registry and names it as the proxy endpoint', async () => {
    const { authorizationData } = await stack.ecr.send(new GetAuthorizationTokenCommand({}));
    const data = authorizationData?.[0];
    expect(data?.proxyEndpoint).toBe(`http://${stack.registryHost}`);
    const [user, password] = Buffer.from(data?.authorizationToken as string, 'base64')
      .toString()
      .split(':');
    expect(user).toBe('AWS');
    const hoursLeft = ((data?.expiresAt as Date).getTime() - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(11.9);
    expect(hoursLeft).toBeLessThanOrEqual(12);
    const login = await fetch(`${data?.proxyEndpoint}/v2/`, {
      headers: { authorization: `Basic ${data?.authorizationToken}` }
    });
    expect(login.status).toBe(200);
    const wrong = await fetch(`${data?.proxyEndpoint}/v2/`, {
      headers: { authorization: `Basic ${Buffer.from(`AWS:${password}x`).toString('base64')}` }
    });
    expect(wrong.status).toBe(401);
  });

  it('describes pushed images from the registry: digest, tags, size, push time, media types', async () => {
    const before = Date.now();
    const [first, second] = await repositoryWith('img/describe', [
      ['v1', ['stable']],
      ['v2', []]
    ]);
    const { imageDetails } = await stack.ecr.send(
      new DescribeImagesCommand({ repositoryName: 'img/describe' })
    );
    expect(imageDetails).toEqual([
      {
        registryId: '000000000000',
        repositoryName: 'img/describe',
        imageDigest: first?.digest,
        imageTags: ['stable', 'v1'],
        imageSizeInBytes: first?.layerSize,
        imagePushedAt: expect.any(Date),
        imageManifestMediaType: MANIFEST_MEDIA_TYPE,
        artifactMediaType: 'application/vnd.docker.container.image.v1+json'
      },
      expect.objectContaining({
        imageDigest: second?.digest,
        imageTags: ['v2'],
        imageSizeInBytes: second?.layerSize
      })
    ]);
    expect((imageDetails?.[0]?.imagePushedAt as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);

    const byTag = await stack.ecr.send(
      new DescribeImagesCommand({ repositoryName: 'img/describe', imageIds: [{ imageTag: 'stable' }] })
    );
    expect(byTag.imageDetails?.map((detail) => detail.imageDigest)).toEqual([first?.digest]);
    await expect(
      stack.ecr.send(
        new DescribeImagesCommand({ repositoryName: 'img/describe', imageIds: [{ imageTag: 'v9' }] })
      )
    ).rejects.toMatchObject({
      name: 'ImageNotFoundException',
      message: expect.stringContaining("imageTag:'v9'")
    });
    await expect(
      stack.ecr.send(new DescribeImagesCommand({ repositoryName: 'img/none' }))
    ).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
  });

  it('keeps an image whose tag moved to another one, as an untagged image', async () => {
    const [old] = await repositoryWith('img/untagged', [['latest', []]]);
    const replacement = await pushImage(stack.registryHost, authorization, 'img/untagged', 'latest', 333);
    const untagged = await stack.ecr.send(
      new DescribeImagesCommand({ repositoryName: 'img/untagged', filter: { tagStatus: 'UNTAGGED' } })
    );
    expect(untagged.imageDetails?.map((detail) => [detail.imageDigest, detail.imageTags])).toEqual([
      [old?.digest, undefined]
    ]);
    const listed = await stack.ecr.send(new ListImagesCommand({ repositoryName: 'img/untagged' }));
    expect(listed.imageIds).toEqual([
      { imageDigest: old?.digest },
      { imageDigest: replacement.digest, imageTag: 'latest' }
    ]);
    const tagged = await stack.ecr.send(
      new ListImagesCommand({ repositoryName: 'img/untagged', filter: { tagStatus: 'TAGGED' } })
    );
    expect(tagged.imageIds).toEqual([{ imageDigest: replacement.digest, imageTag: 'latest' }]);
  });

  it('pages ListImages', async () => {
    await repositoryWith('img/pages', [
      ['a', ['b', 'c']],
      ['d', []]
    ]);
    const first = await stack.ecr.send(new ListImagesCommand({ repositoryName: 'img/pages', maxResults: 3 }));
    const second = await stack.ecr.send(
      new ListImagesCommand({ repositoryName: 'img/pages', maxResults: 3, nextToken: first.nextToken })
    );
    expect(first.imageIds?.map((id) => id.imageTag)).toEqual(['a', 'b', 'c']);
    expect(second.imageIds?.map((id) => id.imageTag)).toEqual(['d']);
    expect(second.nextToken).toBeUndefined();
  });

  it('returns manifests with BatchGetImage and failures for what is missing', async () => {
    const [image] = await repositoryWith('img/get', [['v1', []]]);
    const result = await stack.ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'img/get',
        imageIds: [
          { imageTag: 'v1' },
          { imageTag: 'v2' },
          { imageDigest: image?.digest, imageTag: 'v3' },
          { imageDigest: 'sha256:nothex' },
          {}
        ]
      })
    );
    expect(result.images).toEqual([
      {
        registryId: '000000000000',
        repositoryName: 'img/get',
        imageId: { imageDigest: image?.digest, imageTag: 'v1' },
        imageManifest: image?.manifest,
        imageManifestMediaType: MANIFEST_MEDIA_TYPE
      }
    ]);
    expect(result.failures?.map((failure) => [failure.imageId, failure.failureCode])).toEqual([
      [{ imageTag: 'v2' }, 'ImageNotFound'],
      [{ imageDigest: image?.digest, imageTag: 'v3' }, 'ImageTagDoesNotMatchDigest'],
      [{ imageDigest: 'sha256:nothex' }, 'InvalidImageDigest'],
      [{}, 'MissingDigestAndTag']
    ]);
  });

  it('deletes by tag (only that tag while others remain) and by digest (the image with all its tags)', async () => {
    const [shared, single] = await repositoryWith('img/delete', [
      ['v1', ['prod']],
      ['v2', ['v2-alias']]
    ]);
    const byTag = await stack.ecr.send(
      new BatchDeleteImageCommand({ repositoryName: 'img/delete', imageIds: [{ imageTag: 'v1' }] })
    );
    expect(byTag.imageIds).toEqual([{ imageDigest: shared?.digest, imageTag: 'v1' }]);
    expect(await stack.registry.client.manifestDigest('img/delete', 'prod')).toBe(shared?.digest);
    expect(await stack.registry.client.manifestDigest('img/delete', 'v1')).toBeUndefined();

    const byDigest = await stack.ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: 'img/delete',
        imageIds: [{ imageDigest: single?.digest }, { imageTag: 'gone' }]
      })
    );
    expect(byDigest.imageIds).toEqual([
      { imageDigest: single?.digest, imageTag: 'v2' },
      { imageDigest: single?.digest, imageTag: 'v2-alias' }
    ]);
    expect(byDigest.failures).toEqual([
      {
        imageId: { imageTag: 'gone' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found'
      }
    ]);
    const { imageIds } = await stack.ecr.send(new ListImagesCommand({ repositoryName: 'img/delete' }));
    expect(imageIds).toEqual([{ imageDigest: shared?.digest, imageTag: 'prod' }]);
  });

  it('counts a deleted image pushed again as a new push', async () => {
    const [image] = await repositoryWith('img/repush', [['v1', []]]);
    const pushedAt = async () =>
      (await stack.ecr.send(new DescribeImagesCommand({ repositoryName: 'img/repush' }))).imageDetails?.[0]
        ?.imagePushedAt as Date;
    const first = await pushedAt();
    await stack.ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: 'img/repush',
        imageIds: [{ imageDigest: image?.digest }]
      })
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await putManifest(
      stack.registryHost,
      authorization,
      'img/repush',
      'v1',
      image?.manifest as string
    );
    expect(again.status).toBe(201);
    expect((await pushedAt()).getTime()).toBeGreaterThan(first.getTime());
  });

  it('puts an image manifest under a new tag, refusing to move an immutable tag or repeat itself', async () => {
    const [first, second] = await repositoryWith(
      'img/immutable',
      [
        ['v1', []],
        ['v2', []]
      ],
      'IMMUTABLE'
    );
    const put = await stack.ecr.send(
      new PutImageCommand({
        repositoryName: 'img/immutable',
        imageManifest: first?.manifest,
        imageTag: 'release'
      })
    );
    expect(put.image).toEqual({
      registryId: '000000000000',
      repositoryName: 'img/immutable',
      imageId: { imageDigest: first?.digest, imageTag: 'release' },
      imageManifest: first?.manifest,
      imageManifestMediaType: MANIFEST_MEDIA_TYPE
    });
    await expect(
      stack.ecr.send(
        new PutImageCommand({
          repositoryName: 'img/immutable',
          imageManifest: second?.manifest,
          imageTag: 'v1'
        })
      )
    ).rejects.toMatchObject({
      name: 'ImageTagAlreadyExistsException',
      message:
        "The image tag 'v1' already exists in the 'img/immutable' repository and cannot be overwritten because the repository is immutable."
    });
    await expect(
      stack.ecr.send(
        new PutImageCommand({
          repositoryName: 'img/immutable',
          imageManifest: first?.manifest,
          imageTag: 'v1'
        })
      )
    ).rejects.toMatchObject({ name: 'ImageAlreadyExistsException' });
    await expect(
      stack.ecr.send(
        new PutImageCommand({
          repositoryName: 'img/immutable',
          imageManifest: first?.manifest,
          imageTag: 'v3',
          imageDigest: second?.digest
        })
      )
    ).rejects.toMatchObject({ name: 'ImageDigestDoesNotMatchException' });
    expect(await stack.registry.client.manifestDigest('img/immutable', 'v1')).toBe(first?.digest);
  });

  it('refuses a manifest whose layers were never uploaded', async () => {
    await stack.ecr.send(new CreateRepositoryCommand({ repositoryName: 'img/layers' }));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_MEDIA_TYPE,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: 2,
        digest: `sha256:${'a'.repeat(64)}`
      },
      layers: []
    });
    await expect(
      stack.ecr.send(
        new PutImageCommand({ repositoryName: 'img/layers', imageManifest: manifest, imageTag: 'x' })
      )
    ).rejects.toMatchObject({ name: 'LayersNotFoundException' });
  });
});

describe('ECR when the registry is down', () => {
  it('answers image operations with ServerException and says why, while repository settings still work', async () => {
    const stack = await startInProcessStack();
    try {
      await stack.ecr.send(new CreateRepositoryCommand({ repositoryName: 'down/repo' }));
      const pid = Number(readFileSync(join(stack.dataDir, 'registry', 'registry.pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      while (stack.registry.running()) await new Promise((resolve) => setTimeout(resolve, 20));
      await expect(
        stack.ecr.send(new ListImagesCommand({ repositoryName: 'down/repo' }))
      ).rejects.toMatchObject({
        name: 'ServerException',
        message: expect.stringContaining('is not answering'),
        $metadata: expect.objectContaining({ httpStatusCode: 500 })
      });
      const { repositories } = await stack.ecr.send(new DescribeRepositoriesCommand({}));
      expect(repositories?.map((repository) => repository.repositoryName)).toEqual(['down/repo']);
    } finally {
      await stack.close();
    }
  });
});
