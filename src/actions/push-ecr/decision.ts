import type { RemoteImage } from './manifest.js';

/** The local image as `docker image inspect` reports it. */
export interface LocalImage {
  /** The image ID: the digest of its config, which any manifest of this image names as config.digest. */
  id: string;
  /** `repository@sha256:…` for each manifest docker pushed or pulled this image as. */
  repoDigests: string[];
}

export type TagState =
  | { tag: string; action: 'push'; reason: 'new' }
  | { tag: string; action: 'push'; reason: 'moves'; from: string }
  | { tag: string; action: 'keep'; remote: RemoteImage }
  | { tag: string; action: 'conflict'; remote: RemoteImage };

/**
 * Whether a remote image is the local one without pushing: either docker recorded pushing (or pulling)
 * exactly that manifest to this repository, or the manifest names the local image's config. The config
 * digest is a hash of the image's layers' content and settings, so a match is the same image even when
 * its layers were compressed elsewhere; pushing it again could only produce an equivalent manifest.
 */
export function isSameImage(local: LocalImage, repositoryUri: string, remote: RemoteImage): boolean {
  if (local.repoDigests.includes(`${repositoryUri}@${remote.digest}`)) return true;
  return remote.configDigest !== undefined && remote.configDigest === local.id;
}

/** Decides each tag: keep it (already this image), push it (new, or a mutable tag that moves), or refuse. */
export function decideTags(
  local: LocalImage,
  repositoryUri: string,
  tags: readonly string[],
  remoteByTag: ReadonlyMap<string, RemoteImage>,
  isImmutable: (tag: string) => boolean
): TagState[] {
  return tags.map((tag) => decideTag(local, repositoryUri, tag, remoteByTag.get(tag), isImmutable));
}

function decideTag(
  local: LocalImage,
  repositoryUri: string,
  tag: string,
  remote: RemoteImage | undefined,
  isImmutable: (tag: string) => boolean
): TagState {
  if (!remote) return { tag, action: 'push', reason: 'new' };
  if (isSameImage(local, repositoryUri, remote)) return { tag, action: 'keep', remote };
  if (isImmutable(tag)) return { tag, action: 'conflict', remote };
  return { tag, action: 'push', reason: 'moves', from: remote.digest };
}
