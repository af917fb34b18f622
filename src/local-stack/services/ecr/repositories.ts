import type { StateStore } from '../../state.js';
import type { RegistryPolicy } from '../../registry/index.js';

export type TagMutability = 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';

export interface MutabilityExclusionFilter {
  filterType: 'WILDCARD';
  filter: string;
}

export interface ResourceTag {
  Key: string;
  Value: string;
}

/** One ECR repository as the local stack stores it. Images live in the registry, not here. */
export interface RepositoryRecord {
  repositoryName: string;
  region: string;
  createdAt: Date;
  imageTagMutability: TagMutability;
  imageTagMutabilityExclusionFilters?: MutabilityExclusionFilter[];
  scanOnPush: boolean;
  encryptionConfiguration: { encryptionType: 'AES256' | 'KMS' | 'KMS_DSSE'; kmsKey?: string };
  tags: ResourceTag[];
  lifecyclePolicyText?: string;
  /** When the lifecycle policy was last applied (GetLifecyclePolicy's lastEvaluatedAt). */
  lifecycleEvaluatedAt?: Date;
  policyText?: string;
  /** When each manifest digest was first stored, as the registry's front door saw it. */
  pushedAt: Record<string, Date>;
}

/** The registry's own settings (PutRegistryPolicy, PutReplicationConfiguration). */
export interface RegistrySettings {
  policyText?: string;
  replicationConfiguration?: ReplicationConfiguration;
}

export interface ReplicationConfiguration {
  rules: {
    destinations: { region: string; registryId: string }[];
    repositoryFilters?: { filter: string; filterType: 'PREFIX_MATCH' }[];
  }[];
}

interface EcrDocument {
  repositories: Record<string, RepositoryRecord>;
  registry?: RegistrySettings;
}

/**
 * The ECR repositories of the local stack. One registry serves every region, so a repository name is
 * unique across regions; each record remembers the region it was created in for its ARN.
 */
export class RepositoryStore {
  private static readonly DOCUMENT = 'ecr';

  constructor(private readonly state: StateStore) {}

  get(name: string): RepositoryRecord | undefined {
    return this.document().repositories[name];
  }

  all(): RepositoryRecord[] {
    return Object.values(this.document().repositories).sort((a, b) =>
      a.repositoryName.localeCompare(b.repositoryName)
    );
  }

  put(record: RepositoryRecord): void {
    this.document().repositories[record.repositoryName] = record;
    this.save();
  }

  delete(name: string): void {
    delete this.document().repositories[name];
    this.save();
  }

  /** Remembers when a manifest was first stored (ECR's imagePushedAt). */
  recordPush(name: string, digest: string, at: Date): void {
    const record = this.get(name);
    if (!record || record.pushedAt[digest] !== undefined) return;
    record.pushedAt[digest] = at;
    this.save();
  }

  /** Forgets a deleted manifest, so pushing it again later counts as a new push. */
  forgetPush(name: string, digest: string): void {
    const record = this.get(name);
    if (!record || record.pushedAt[digest] === undefined) return;
    delete record.pushedAt[digest];
    this.save();
  }

  /** The registry's settings; changes are persisted with save(). */
  registry(): RegistrySettings {
    const document = this.document();
    document.registry ??= {};
    return document.registry;
  }

  /** Persists changes made to a record returned by get(). */
  save(): void {
    this.state.save(RepositoryStore.DOCUMENT);
  }

  private document(): EcrDocument {
    return this.state.document<EcrDocument>(RepositoryStore.DOCUMENT, () => ({ repositories: {} }));
  }
}

/** Whether a tag may not be moved once it exists, under the repository's mutability setting. */
export function isTagImmutable(record: RepositoryRecord, tag: string): boolean {
  const excluded = (record.imageTagMutabilityExclusionFilters ?? []).some((filter) =>
    wildcardPattern(filter.filter).test(tag)
  );
  switch (record.imageTagMutability) {
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded;
    case 'MUTABLE':
      return false;
  }
}

/** An ECR wildcard filter (`*` matches any run of characters) as an anchored expression. */
export function wildcardPattern(filter: string): RegExp {
  const escaped = filter.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** What the registry's front door needs from ECR: which repositories exist and which tags are fixed. */
export function ecrRegistryPolicy(store: RepositoryStore): RegistryPolicy {
  return {
    repositoryExists: (name) => store.get(name) !== undefined,
    tagIsImmutable: (name, tag) => {
      const record = store.get(name);
      return record !== undefined && isTagImmutable(record, tag);
    },
    manifestStored: (name, digest, at) => store.recordPush(name, digest, at)
  };
}
