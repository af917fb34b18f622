import {
  isTagImmutable,
  type RepositoryRecord
} from '../../../../../src/local-stack/services/ecr/repositories.js';

function repository(
  imageTagMutability: RepositoryRecord['imageTagMutability'],
  filters: string[] = []
): RepositoryRecord {
  return {
    repositoryName: 'r',
    region: 'us-east-1',
    createdAt: new Date(0),
    imageTagMutability,
    ...(filters.length > 0 && {
      imageTagMutabilityExclusionFilters: filters.map((filter) => ({
        filterType: 'WILDCARD' as const,
        filter
      }))
    }),
    scanOnPush: false,
    encryptionConfiguration: { encryptionType: 'AES256' },
    tags: [],
    pushedAt: {}
  };
}

describe('tag immutability', () => {
  it.each([
    ['MUTABLE', [], 'v1', false],
    ['IMMUTABLE', [], 'latest', true],
    ['IMMUTABLE_WITH_EXCLUSION', ['latest', 'dev-*'], 'latest', false],
    ['IMMUTABLE_WITH_EXCLUSION', ['latest', 'dev-*'], 'dev-123', false],
    ['IMMUTABLE_WITH_EXCLUSION', ['latest', 'dev-*'], 'v1.0', true],
    ['IMMUTABLE_WITH_EXCLUSION', ['v1.*'], 'v1x0', true],
    ['MUTABLE_WITH_EXCLUSION', ['release-*'], 'release-7', true],
    ['MUTABLE_WITH_EXCLUSION', ['release-*'], 'latest', false]
  ] as const)('%s with exclusions %j: tag %s immutable is %s', (mutability, filters, tag, expected) => {
    expect(isTagImmutable(repository(mutability, [...filters]), tag)).toBe(expected);
  });
});
