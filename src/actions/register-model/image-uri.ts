const DIGEST = /@(sha256:[a-f0-9]{64})$/;

/** The digest an image URI is pinned by (`repo@sha256:...`), or undefined for a tag reference. */
export function imageDigest(imageUri: string): string | undefined {
  return DIGEST.exec(imageUri)?.[1];
}

/**
 * Whether a registered image is the one being registered: the same digest. A tag reference never
 * matches, since the tag may name another image by now.
 */
export function sameImage(registered: string, imageUri: string): boolean {
  const digest = imageDigest(imageUri);
  return digest !== undefined && imageDigest(registered) === digest;
}
