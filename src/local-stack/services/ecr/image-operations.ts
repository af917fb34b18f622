import { createHash } from 'node:crypto';
import type {
  BatchDeleteImageCommandInput,
  BatchDeleteImageCommandOutput,
  BatchGetImageCommandInput,
  BatchGetImageCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  DescribeImagesFilter,
  GetAuthorizationTokenCommandInput,
  GetAuthorizationTokenCommandOutput,
  Image,
  ImageIdentifier as SdkImageIdentifier,
  ListImagesCommandInput,
  ListImagesCommandOutput,
  PutImageCommandInput,
  PutImageCommandOutput
} from '@aws-sdk/client-ecr';
import { AwsServiceError } from '../../wire/errors.js';
import { paginate } from '../../wire/pagination.js';
import {
  defineOperations,
  wireMembers,
  wireText,
  type OperationTable,
  type WireInput
} from '../../wire/types.js';
import {
  immutableTagConflict,
  RegistryError,
  TOKEN_USERNAME,
  type LocalRegistry
} from '../../registry/index.js';
import { imageNotFound, imageNotInRepository, imageTagAlreadyExists, invalidParameter } from './errors.js';
import {
  artifactMediaType,
  findImage,
  imageSize,
  imagesOf,
  isFailure,
  type ImageEntry,
  type ImageFailure,
  type ImageIdentifier
} from './images.js';
import type { LifecycleRunner } from './lifecycle-operations.js';
import { ecrRegistryPolicy, type RepositoryRecord, type RepositoryStore } from './repositories.js';
import { existingRepository, imageTag, pageRequest } from './validation.js';

const TAG_STATUSES = ['TAGGED', 'UNTAGGED', 'ANY'] as const;

type ImageOperations = {
  GetAuthorizationToken: [GetAuthorizationTokenCommandInput, GetAuthorizationTokenCommandOutput];
  DescribeImages: [DescribeImagesCommandInput, DescribeImagesCommandOutput];
  ListImages: [ListImagesCommandInput, ListImagesCommandOutput];
  BatchGetImage: [BatchGetImageCommandInput, BatchGetImageCommandOutput];
  BatchDeleteImage: [BatchDeleteImageCommandInput, BatchDeleteImageCommandOutput];
  PutImage: [PutImageCommandInput, PutImageCommandOutput];
};

/** ECR's image operations, answered from the real registry. */
export function imageOperations(
  store: RepositoryStore,
  registry: LocalRegistry,
  lifecycle: LifecycleRunner
): OperationTable {
  const policy = ecrRegistryPolicy(store);

  return defineOperations<ImageOperations>({
    GetAuthorizationToken: (input, context) => {
      const registryIds = input.registryIds ?? [context.accountId];
      if (
        !Array.isArray(registryIds) ||
        registryIds.length === 0 ||
        registryIds.length > 10 ||
        !registryIds.every((id) => typeof id === 'string' && /^[0-9]{12}$/.test(id))
      ) {
        throw invalidParameter('registryIds', 'must be a list of 1 to 10 12-digit registry IDs');
      }
      const { password, expiresAt } = registry.tokens.issue();
      const authorizationToken = Buffer.from(`${TOKEN_USERNAME}:${password}`).toString('base64');
      return {
        authorizationData: registryIds.map(() => ({
          authorizationToken,
          expiresAt,
          proxyEndpoint: `http://${registry.host}`
        }))
      };
    },

    DescribeImages: async (input, context) => {
      const record = existingRepository(input, context, store);
      const images = await imagesOf(registry, record);
      let selected: ImageEntry[];
      if (input.imageIds !== undefined) {
        selected = imageIdentifiers(input).map((id) => {
          const found = findImage(images, id);
          if (!isFailure(found)) return found;
          if (found.failureCode === 'ImageNotFound' || found.failureCode === 'ImageTagDoesNotMatchDigest') {
            throw imageNotInRepository(id, record.repositoryName, context.accountId);
          }
          throw invalidParameter('imageIds', found.failureReason);
        });
      } else {
        selected = byTagStatus(images, wireMembers<DescribeImagesFilter>(input.filter).tagStatus);
      }
      const { items: page, nextToken } = paginate(selected, pageRequest(input));
      const imageDetails = await Promise.all(
        page.map(async (image) => {
          const manifest = await registry.client.manifest(record.repositoryName, image.digest);
          if (!manifest) throw imageNotFound(`The manifest ${image.digest} disappeared from the registry`);
          return {
            registryId: context.accountId,
            repositoryName: record.repositoryName,
            imageDigest: image.digest,
            imageTags: image.tags.length > 0 ? image.tags : undefined,
            imageSizeInBytes: await imageSize(registry, record.repositoryName, manifest),
            imagePushedAt: image.pushedAt,
            imageManifestMediaType: manifest.mediaType,
            artifactMediaType: artifactMediaType(manifest)
          };
        })
      );
      return { imageDetails, nextToken };
    },

    ListImages: async (input, context) => {
      const record = existingRepository(input, context, store);
      const images = byTagStatus(
        await imagesOf(registry, record),
        wireMembers<DescribeImagesFilter>(input.filter).tagStatus
      );
      const imageIds = images.flatMap((image): ImageIdentifier[] =>
        image.tags.length > 0
          ? image.tags.map((tag) => ({ imageDigest: image.digest, imageTag: tag }))
          : [{ imageDigest: image.digest }]
      );
      const { items: page, nextToken } = paginate(imageIds, pageRequest(input));
      return { imageIds: page, nextToken };
    },

    BatchGetImage: async (input, context) => {
      const record = existingRepository(input, context, store);
      const ids = imageIdentifiers(input);
      const accepted = input.acceptedMediaTypes;
      if (
        accepted !== undefined &&
        (!Array.isArray(accepted) ||
          accepted.length === 0 ||
          !accepted.every((type) => typeof type === 'string'))
      ) {
        throw invalidParameter('acceptedMediaTypes', 'must be a non-empty list of media types');
      }
      const images = await imagesOf(registry, record);
      const results: Image[] = [];
      const failures: ImageFailure[] = [];
      for (const id of ids) {
        const found = findImage(images, id);
        if (isFailure(found)) {
          failures.push(found);
          continue;
        }
        const manifest = await registry.client.manifest(
          record.repositoryName,
          found.digest,
          ...(accepted !== undefined ? [accepted] : [])
        );
        if (!manifest) {
          failures.push({
            imageId: id,
            failureCode: 'ImageNotFound',
            failureReason: 'Requested image not found'
          });
          continue;
        }
        results.push({
          registryId: context.accountId,
          repositoryName: record.repositoryName,
          imageId: { imageDigest: found.digest, ...(id.imageTag !== undefined && { imageTag: id.imageTag }) },
          imageManifest: manifest.body.toString('utf8'),
          imageManifestMediaType: manifest.mediaType
        });
      }
      return { images: results, failures };
    },

    BatchDeleteImage: async (input, context) => {
      const record = existingRepository(input, context, store);
      const ids = imageIdentifiers(input);
      const deleted: ImageIdentifier[] = [];
      const failures: ImageFailure[] = [];
      for (const id of ids) {
        const found = findImage(await imagesOf(registry, record), id);
        if (isFailure(found)) failures.push(found);
        else deleted.push(...(await deleteImage(registry, store, record, found, id)));
      }
      return { imageIds: deleted, failures };
    },

    PutImage: async (input, context) => {
      const record = existingRepository(input, context, store);
      const name = record.repositoryName;
      const manifestText = input.imageManifest;
      if (typeof manifestText !== 'string' || manifestText.length === 0 || manifestText.length > 4194304) {
        throw invalidParameter('imageManifest', 'must be a manifest of 1 to 4194304 characters');
      }
      const mediaType = manifestMediaType(manifestText, input.imageManifestMediaType);
      const body = Buffer.from(manifestText, 'utf8');
      const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      const givenDigest = input.imageDigest;
      if (givenDigest !== undefined && givenDigest !== digest) {
        throw new AwsServiceError(
          'ImageDigestDoesNotMatchException',
          `The image digest '${wireText(givenDigest)}' does not match the manifest's digest '${digest}'`
        );
      }
      const tag = input.imageTag === undefined ? undefined : imageTag(input.imageTag);
      const current = await registry.client.manifestDigest(name, tag ?? digest);
      if (current === digest) {
        throw new AwsServiceError(
          'ImageAlreadyExistsException',
          `Image with digest '${digest}'${tag ? ` and tag '${tag}'` : ''} already exists in the repository with ` +
            `name '${name}' in registry with id '${context.accountId}'`
        );
      }
      if (tag && (await immutableTagConflict(registry.client, policy, name, tag, digest))) {
        throw imageTagAlreadyExists(tag, name);
      }
      await putManifest(registry, name, tag ?? digest, body, mediaType);
      store.recordPush(name, digest, new Date());
      await lifecycle.applyNow(name);
      return {
        image: {
          registryId: context.accountId,
          repositoryName: name,
          imageId: { imageDigest: digest, ...(tag !== undefined && { imageTag: tag }) },
          imageManifest: manifestText,
          imageManifestMediaType: mediaType
        }
      };
    }
  });
}

/**
 * Deletes what an identifier names, as ECR does: a digest removes the image with all its tags; a tag
 * removes only that tag, and the image with it when it was the last one. The registry can only delete
 * manifests, so the other tags are put back on the same manifest.
 */
async function deleteImage(
  registry: LocalRegistry,
  store: RepositoryStore,
  record: RepositoryRecord,
  image: ImageEntry,
  id: ImageIdentifier
): Promise<ImageIdentifier[]> {
  const name = record.repositoryName;
  const removedTags = id.imageDigest !== undefined ? image.tags : [id.imageTag as string];
  const keptTags = image.tags.filter((tag) => !removedTags.includes(tag));
  const manifest = keptTags.length > 0 ? await registry.client.manifest(name, image.digest) : undefined;
  await registry.client.deleteManifest(name, image.digest);
  if (manifest) {
    for (const tag of keptTags) await putManifest(registry, name, tag, manifest.body, manifest.mediaType);
  } else {
    store.forgetPush(name, image.digest);
  }
  return removedTags.length > 0
    ? removedTags.map((tag) => ({ imageDigest: image.digest, imageTag: tag }))
    : [{ imageDigest: image.digest }];
}

async function putManifest(
  registry: LocalRegistry,
  name: string,
  reference: string,
  body: Buffer,
  mediaType: string
): Promise<void> {
  try {
    await registry.client.putManifest(name, reference, body, mediaType);
  } catch (error) {
    if (error instanceof RegistryError && error.status === 400) {
      if (/BLOB_UNKNOWN/.test(error.message)) {
        throw new AwsServiceError(
          'LayersNotFoundException',
          `The manifest references layers that were not uploaded to '${name}': ${error.message}`
        );
      }
      throw invalidParameter('imageManifest', `the registry rejected the manifest: ${error.message}`);
    }
    throw error;
  }
}

function manifestMediaType(manifestText: string, given: unknown): string {
  if (typeof given === 'string' && given.length > 0) return given;
  try {
    const declared = (JSON.parse(manifestText) as { mediaType?: unknown }).mediaType;
    if (typeof declared === 'string') return declared;
  } catch {
    throw invalidParameter('imageManifest', 'must be a JSON manifest');
  }
  throw invalidParameter('imageManifestMediaType', 'is required when the manifest has no mediaType field');
}

function imageIdentifiers(input: WireInput<{ imageIds: SdkImageIdentifier[] }>): ImageIdentifier[] {
  const ids = input.imageIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) {
    throw invalidParameter('imageIds', 'must be a list of 1 to 100 image identifiers');
  }
  return ids.map((id: unknown) => {
    const { imageDigest, imageTag: tag } = wireMembers<SdkImageIdentifier>(id);
    return {
      ...(imageDigest !== undefined && { imageDigest: wireText(imageDigest) }),
      ...(tag !== undefined && { imageTag: wireText(tag) })
    };
  });
}

function byTagStatus(images: ImageEntry[], tagStatus: unknown): ImageEntry[] {
  if (tagStatus === undefined || tagStatus === 'ANY') return images;
  if (!TAG_STATUSES.includes(tagStatus as (typeof TAG_STATUSES)[number])) {
    throw invalidParameter('filter.tagStatus', `must be one of ${TAG_STATUSES.join(', ')}`);
  }
  return images.filter((image) => (tagStatus === 'TAGGED') === image.tags.length > 0);
}
