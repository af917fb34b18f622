import type { RegistryClient } from './client.js';

/**
 * What the registry's front door asks the control plane (ECR) about a request. The registry itself knows
 * nothing of repositories' settings; ECR owns them.
 */
export interface RegistryPolicy {
  /** ECR refuses pushes and pulls for repositories it does not know, even if the storage has them. */
  repositoryExists(name: string): boolean;
  tagIsImmutable(name: string, tag: string): boolean;
  /** Called once a manifest is stored, so ECR can record the push time. */
  manifestStored(name: string, digest: string, at: Date): void;
}

/**
 * The digest an immutable tag already points at, when storing `digest` under it would move it;
 * undefined when the write is allowed (mutable tag, new tag, or the same image again).
 */
export async function immutableTagConflict(
  client: RegistryClient,
  policy: RegistryPolicy,
  name: string,
  tag: string,
  digest: string
): Promise<string | undefined> {
  if (!policy.tagIsImmutable(name, tag)) return undefined;
  const existing = await client.manifestDigest(name, tag);
  return existing !== undefined && existing !== digest ? existing : undefined;
}
