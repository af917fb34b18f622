/** Manifest media types of the Docker Registry HTTP API v2 and the OCI distribution spec. */
export const DOCKER_MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/**
 * Everything modern clients push. Asking for all of them matters: without an Accept header
 * docker-registry 2.8 converts manifests to the legacy schema 1 and answers with that digest instead.
 */
export const MANIFEST_MEDIA_TYPES = [
  DOCKER_MANIFEST_V2,
  DOCKER_MANIFEST_LIST,
  OCI_MANIFEST,
  OCI_INDEX
] as const;

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
