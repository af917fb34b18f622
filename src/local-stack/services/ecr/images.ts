import type { ImageFailureCode } from '@aws-sdk/client-ecr';
import type { LocalRegistry, StoredManifest } from '../../registry/index.js';
import { DIGEST_PATTERN } from '../../registry/index.js';
import type { RepositoryRecord } from './repositories.js';

/** An image of a repository as the registry holds it: one manifest digest and the tags on it. */
export interface ImageEntry {
  digest: string;
  tags: string[];
  pushedAt?: Date;
}

/**
 * Reads a repository's images from the registry: every tag resolved to its digest, plus manifests ECR
 * saw pushed that no tag points at any more (the registry API cannot list those by itself).
 * Oldest push first.
 */
export async function imagesOf(registry: LocalRegistry, record: RepositoryRecord): Promise<ImageEntry[]> {
  const name = record.repositoryName;
  const byDigest = new Map<string, ImageEntry>();
  const entry = (digest: string) => {
    let image = byDigest.get(digest);
    if (!image) {
      const pushedAt = record.pushedAt[digest];
      image = { digest, tags: [], ...(pushedAt !== undefined && { pushedAt }) };
      byDigest.set(digest, image);
    }
    return image;
  };
  const tags = await registry.client.tags(name);
  const tagDigests = await Promise.all(tags.map((tag) => registry.client.manifestDigest(name, tag)));
  tags.forEach((tag, index) => {
    const digest = tagDigests[index];
    if (digest) entry(digest).tags.push(tag);
  });
  const untracked = Object.keys(record.pushedAt).filter((digest) => !byDigest.has(digest));
  const stillStored = await Promise.all(
    untracked.map((digest) => registry.client.manifestDigest(name, digest))
  );
  untracked.forEach((digest, index) => {
    if (stillStored[index]) entry(digest);
  });
  return [...byDigest.values()]
    .map((image) => ({ ...image, tags: image.tags.sort() }))
    .sort(
      (a, b) =>
        (a.pushedAt?.getTime() ?? 0) - (b.pushedAt?.getTime() ?? 0) || a.digest.localeCompare(b.digest)
    );
}

export interface ImageIdentifier {
  imageDigest?: string;
  imageTag?: string;
}

export interface ImageFailure {
  imageId: ImageIdentifier;
  failureCode: ImageFailureCode;
  failureReason: string;
}

/** Finds the image an ImageIdentifier names, or says why not with ECR's failure codes. */
export function findImage(images: ImageEntry[], id: ImageIdentifier): ImageEntry | ImageFailure {
  const { imageDigest, imageTag } = id;
  const failure = (failureCode: ImageFailureCode, failureReason: string): ImageFailure => ({
    imageId: id,
    failureCode,
    failureReason
  });
  if (imageDigest === undefined && imageTag === undefined) {
    return failure('MissingDigestAndTag', 'Invalid request parameters: both tag and digest cannot be null');
  }
  if (imageDigest !== undefined && !DIGEST_PATTERN.test(imageDigest)) {
    return failure(
      'InvalidImageDigest',
      'Invalid request parameters: image digest should satisfy the regex sha256:[a-f0-9]{64}'
    );
  }
  if (
    imageTag !== undefined &&
    (typeof imageTag !== 'string' || imageTag.length < 1 || imageTag.length > 300)
  ) {
    return failure('InvalidImageTag', 'Invalid request parameters: image tag must be 1 to 300 characters');
  }
  const image =
    imageDigest !== undefined
      ? images.find((candidate) => candidate.digest === imageDigest)
      : images.find((candidate) => candidate.tags.includes(imageTag as string));
  if (!image) return failure('ImageNotFound', 'Requested image not found');
  if (imageDigest !== undefined && imageTag !== undefined && !image.tags.includes(imageTag)) {
    return failure(
      'ImageTagDoesNotMatchDigest',
      'Invalid request parameters: image tag does not match digest'
    );
  }
  return image;
}

export function isFailure(result: ImageEntry | ImageFailure): result is ImageFailure {
  return 'failureCode' in result;
}

/**
 * ECR's imageSizeInBytes: the compressed layers of an image manifest; for an index (manifest list),
 * the largest of the manifests it lists.
 */
export async function imageSize(
  registry: LocalRegistry,
  name: string,
  manifest: StoredManifest
): Promise<number> {
  const parsed = JSON.parse(manifest.body.toString('utf8')) as {
    layers?: { size?: number }[];
    manifests?: { digest: string }[];
  };
  if (parsed.manifests) {
    const children = await Promise.all(
      parsed.manifests.map(async (child) => {
        const stored = await registry.client.manifest(name, child.digest);
        return stored ? imageSize(registry, name, stored) : 0;
      })
    );
    return Math.max(0, ...children);
  }
  return (parsed.layers ?? []).reduce((total, layer) => total + (layer.size ?? 0), 0);
}

/** The artifact type ECR reports: the config blob's media type of an image manifest. */
export function artifactMediaType(manifest: StoredManifest): string | undefined {
  const parsed = JSON.parse(manifest.body.toString('utf8')) as { config?: { mediaType?: string } };
  return parsed.config?.mediaType;
}
