/** Manifest media types a registry may hold under a tag. */
export const MediaType = {
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json'
} as const;

export const ACCEPTED_MEDIA_TYPES: readonly string[] = Object.values(MediaType);

/** What a tag points at in the remote repository. */
export interface RemoteImage {
  digest: string;
  mediaType: string;
  /** The image config digest (the local image ID of the same image); absent for indexes. */
  configDigest?: string;
}

/** The config digest of a single-image manifest; undefined for indexes, lists and unreadable text. */
export function configDigestOf(manifestText: string): string | undefined {
  try {
    const manifest = JSON.parse(manifestText) as { config?: { digest?: unknown } };
    const digest = manifest.config?.digest;
    return typeof digest === 'string' ? digest : undefined;
  } catch {
    return undefined;
  }
}

export function isIndex(mediaType: string): boolean {
  return mediaType === MediaType.OciIndex || mediaType === MediaType.DockerManifestList;
}

/**
 * SageMaker runs images whose manifest is Docker's v2 schema 2 and refuses OCI indexes (which buildx
 * produces as soon as provenance or SBOM attestations are attached). Undefined means acceptable.
 */
export function sageMakerManifestProblem(reference: string, mediaType: string): string | undefined {
  if (mediaType === MediaType.DockerManifest) return undefined;
  const what = isIndex(mediaType) ? 'an image index (manifest list)' : `a '${mediaType}' manifest`;
  return (
    `${reference} is ${what}, but SageMaker only runs images with a '${MediaType.DockerManifest}' manifest. ` +
    'Indexes usually come from buildx attaching provenance or SBOM attestations: build with ' +
    "'--provenance=false --sbom=false' (build-image's 'provenance: false', its default) and, for OCI " +
    "manifests, '--output type=image,oci-mediatypes=false'. Set 'require-docker-manifest: false' if the " +
    'image is not meant for SageMaker.'
  );
}
