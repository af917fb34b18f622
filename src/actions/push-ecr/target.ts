import type { RemoteImage } from './manifest.js';

/** Where the image goes: an ECR repository (through the ECR API) or any other registry (through docker). */
export interface PushTarget {
  /** Registry host, as in image references. */
  registry: string;
  /** `registry/repository`, without a tag. */
  repositoryUri: string;
  /** What each tag points at now; tags that do not exist are absent. */
  lookup(tags: readonly string[]): Promise<Map<string, RemoteImage>>;
  /** Whether the registry refuses to move this tag once it exists. */
  isImmutable(tag: string): boolean;
  /** Logs the temporary Docker config into the registry (before the first push). */
  login(configDir: string): Promise<void>;
}
