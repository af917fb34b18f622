import type { ImageTagMutabilityExclusionFilter } from '@aws-sdk/client-ecr';

/** A repository's tag mutability as DescribeRepositories reports it. */
export interface TagMutability {
  mode: string;
  exclusionFilters: readonly ImageTagMutabilityExclusionFilter[];
}

/**
 * Whether ECR refuses to move this tag. The *_WITH_EXCLUSION modes invert the setting for tags that match
 * one of the repository's wildcard filters ('*' matches any run of characters).
 */
export function isTagImmutable(mutability: TagMutability, tag: string): boolean {
  const excluded = mutability.exclusionFilters.some(
    (filter) => filter.filterType === 'WILDCARD' && wildcardMatches(filter.filter ?? '', tag)
  );
  switch (mutability.mode) {
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded;
    default:
      return false;
  }
}

function wildcardMatches(pattern: string, tag: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(tag);
}
