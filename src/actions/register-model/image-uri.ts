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

/** An image in an ECR repository, pinned by digest. */
export interface EcrImage {
  /** From an ECR registry host; undefined: the caller's registry. */
  registryId?: string;
  /** From an ECR registry host; undefined: the action's region. */
  region?: string;
  repositoryName: string;
  digest: string;
}

/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`, ECR's private registry hosts. */
const ECR_HOST = /^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const PINNED = /^([^/]+)\/([^@]+?)(?::[\w][\w.-]{0,127})?@(sha256:[a-f0-9]{64})$/;

/**
 * Where an image URI pinned by digest lives in ECR, or undefined when it is not an ECR image. Besides
 * ECR's own hosts, a custom ECR endpoint (AWS_ENDPOINT_URL_ECR or AWS_ENDPOINT_URL, e.g. the local
 * stack) is taken to serve its registry on the same host name, at whatever port.
 */
export function ecrImageOf(imageUri: string, env: NodeJS.ProcessEnv): EcrImage | undefined {
  const pinned = PINNED.exec(imageUri);
  if (!pinned) return undefined;
  const [, host, repositoryName, digest] = pinned as unknown as [string, string, string, string];
  const ecr = ECR_HOST.exec(host);
  if (ecr) return { registryId: ecr[1] as string, region: ecr[2] as string, repositoryName, digest };
  const endpoint = env['AWS_ENDPOINT_URL_ECR'] || env['AWS_ENDPOINT_URL'];
  if (endpoint && URL.canParse(endpoint) && hostnameOf(host) === new URL(endpoint).hostname) {
    return { repositoryName, digest };
  }
  return undefined;
}

function hostnameOf(host: string): string {
  return URL.canParse(`http://${host}`) ? new URL(`http://${host}`).hostname : host;
}
