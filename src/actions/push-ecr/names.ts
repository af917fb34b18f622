/**
 * Names as ECR and the Docker registry accept them. The repository pattern and length are ECR's own
 * (botocore's ecr/2015-09-21 model, shape RepositoryName), so a bad name fails before any call.
 */
const ECR_REPOSITORY_NAME = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const REGISTRY_ID = /^[0-9]{12}$/;

export function isValidRepositoryName(name: string): boolean {
  return name.length >= 2 && name.length <= 256 && ECR_REPOSITORY_NAME.test(name);
}

export function isValidRegistryId(id: string): boolean {
  return REGISTRY_ID.test(id);
}

/** `name[:tag][@digest]` split at the tag, which follows the last '/' (a registry port is not a tag). */
export function tagOf(reference: string): string | undefined {
  const withoutDigest = reference.split('@')[0] as string;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? undefined : withoutDigest.slice(colon + 1);
}

/** Docker reaches loopback registries over plain HTTP; its manifest client must be told so. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.split(':')[0];
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host ?? '');
}

/** `https://host:port/` or `host:port` as the `host:port` docker login and image references use. */
export function registryHost(endpoint: string): string {
  return endpoint.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
}
