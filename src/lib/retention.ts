/**
 * Tags that mark an image an approved version uses. push-ecr's default lifecycle policy never expires an
 * image with one; register-model adds one when a version becomes Approved.
 */
export const RELEASE_TAG_PREFIX = 'release-';

/** ECR's longest image tag. */
const MAX_TAG_LENGTH = 128;

/**
 * The release tag of a version of a model: one per version, so it never has to move to another image.
 * SageMaker group names are valid in a tag as they are; an MLflow model name may hold characters ECR tags
 * refuse ([A-Za-z0-9_.-] only), which become '-'.
 */
export function releaseTag(model: string, version: number): string {
  const suffix = `-${version}`;
  const name = model.replace(/[^A-Za-z0-9_.-]+/g, '-');
  return `${RELEASE_TAG_PREFIX}${name.slice(0, MAX_TAG_LENGTH - RELEASE_TAG_PREFIX.length - suffix.length)}${suffix}`;
}
