import {
  BatchGetImageCommand,
  ImageAlreadyExistsException,
  ImageTagAlreadyExistsException,
  PutImageCommand,
  type ECRClient
} from '@aws-sdk/client-ecr';
import { ActionError } from '../../lib/errors.js';
import type { Log } from '../../lib/log.js';
import type { EcrImage } from './image-uri.js';

/** Every manifest kind ECR stores; BatchGetImage answers only those it is told the caller accepts. */
const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json'
];

/**
 * Gives the image the tag, with the same manifest and media type (BatchGetImage, then PutImage), so the
 * image keeps its digest. Safe in IMMUTABLE repositories: a tag already on this image is left as it is,
 * and a tag on another image is an error, never moved (in MUTABLE repositories too: a release tag that
 * moved would leave the image it named unprotected).
 */
export async function tagImage(
  ecr: ECRClient,
  image: EcrImage,
  tag: string,
  log: Log
): Promise<'tagged' | 'already'> {
  const ids = image.registryId !== undefined ? { registryId: image.registryId } : {};
  const where = `${image.repositoryName}${image.registryId ? ` (registry ${image.registryId})` : ''}`;
  const answer = await ecr.send(
    new BatchGetImageCommand({
      ...ids,
      repositoryName: image.repositoryName,
      imageIds: [{ imageDigest: image.digest }, { imageTag: tag }],
      acceptedMediaTypes: MANIFEST_MEDIA_TYPES
    })
  );
  const holder = answer.images?.find((found) => found.imageId?.imageTag === tag)?.imageId?.imageDigest;
  if (holder === image.digest) {
    log.info(`${where}:${tag} already names ${image.digest}.`);
    return 'already';
  }
  if (holder !== undefined) throw tagTaken(where, tag, holder, image.digest);
  const source = answer.images?.find((found) => found.imageId?.imageDigest === image.digest);
  if (!source?.imageManifest) {
    const failure = answer.failures?.find((item) => item.imageId?.imageDigest === image.digest);
    throw new ActionError(
      `The image ${image.digest} is not in the ECR repository ${where}` +
        `${failure ? ` (${failure.failureCode}: ${failure.failureReason})` : ''}, so it cannot be tagged ${tag}.`,
      'It was deleted, or expired by a lifecycle policy before its version was approved: register the version again from a new push.'
    );
  }
  try {
    await ecr.send(
      new PutImageCommand({
        ...ids,
        repositoryName: image.repositoryName,
        imageManifest: source.imageManifest,
        ...(source.imageManifestMediaType !== undefined && {
          imageManifestMediaType: source.imageManifestMediaType
        }),
        imageDigest: image.digest,
        imageTag: tag
      })
    );
  } catch (error) {
    // Another run may have tagged it between the two calls.
    if (error instanceof ImageAlreadyExistsException) return 'already';
    if (error instanceof ImageTagAlreadyExistsException)
      throw tagTaken(where, tag, 'another image', image.digest);
    throw error;
  }
  log.info(`Tagged ${image.digest} in ${where} as ${tag}.`);
  return 'tagged';
}

function tagTaken(where: string, tag: string, holder: string, digest: string): ActionError {
  return new ActionError(
    `The tag ${tag} in the ECR repository ${where} already names ${holder}, not ${digest}; a release tag is never moved.`,
    `Check which version that image belongs to. If the tag is stale (e.g. the model package group was recreated), remove it (aws ecr batch-delete-image --repository-name ${where.split(' ')[0]} --image-ids imageTag=${tag}) and run again.`
  );
}
