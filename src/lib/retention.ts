/**
 * Tags that mark an image an approved version uses. push-ecr's default lifecycle policy never expires an
 * image with one; register-model adds one when a version becomes Approved.
 */
export const RELEASE_TAG_PREFIX = 'release-';

/** The release tag of a version of a model: one per version, so it never has to move to another image. */
export function releaseTag(model: string, version: number): string {
  return `${RELEASE_TAG_PREFIX}${model}-${version}`;
}
