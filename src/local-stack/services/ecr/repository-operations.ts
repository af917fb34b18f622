import type {
  CreateRepositoryCommandInput,
  CreateRepositoryCommandOutput,
  DeleteRepositoryCommandInput,
  DeleteRepositoryCommandOutput,
  DescribeRepositoriesCommandInput,
  DescribeRepositoriesCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  PutImageScanningConfigurationCommandInput,
  PutImageScanningConfigurationCommandOutput,
  PutImageTagMutabilityCommandInput,
  PutImageTagMutabilityCommandOutput,
  EncryptionConfiguration,
  ImageScanningConfiguration,
  ImageTagMutabilityExclusionFilter,
  Repository,
  TagResourceCommandInput,
  TagResourceCommandOutput,
  UntagResourceCommandInput,
  UntagResourceCommandOutput
} from '@aws-sdk/client-ecr';
import { createHash } from 'node:crypto';
import {
  defineOperations,
  wireMembers,
  type OperationTable,
  type RequestContext,
  type WireInput
} from '../../wire/types.js';
import { paginate } from '../../wire/pagination.js';
import type { LocalRegistry } from '../../registry/index.js';
import {
  invalidParameter,
  repositoryAlreadyExists,
  repositoryNotEmpty,
  repositoryNotFound
} from './errors.js';
import { imagesOf } from './images.js';
import type {
  MutabilityExclusionFilter,
  RepositoryRecord,
  RepositoryStore,
  TagMutability
} from './repositories.js';
import {
  existingRepository,
  mergeTags,
  optionalBoolean,
  pageRequest,
  repositoryName,
  requestedRegistryId,
  resourceTags
} from './validation.js';

const MUTABILITIES: readonly TagMutability[] = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION'
];
const ENCRYPTION_TYPES = ['AES256', 'KMS', 'KMS_DSSE'] as const;

type RepositoryOperations = {
  CreateRepository: [CreateRepositoryCommandInput, CreateRepositoryCommandOutput];
  DescribeRepositories: [DescribeRepositoriesCommandInput, DescribeRepositoriesCommandOutput];
  DeleteRepository: [DeleteRepositoryCommandInput, DeleteRepositoryCommandOutput];
  PutImageTagMutability: [PutImageTagMutabilityCommandInput, PutImageTagMutabilityCommandOutput];
  PutImageScanningConfiguration: [
    PutImageScanningConfigurationCommandInput,
    PutImageScanningConfigurationCommandOutput
  ];
  TagResource: [TagResourceCommandInput, TagResourceCommandOutput];
  UntagResource: [UntagResourceCommandInput, UntagResourceCommandOutput];
  ListTagsForResource: [ListTagsForResourceCommandInput, ListTagsForResourceCommandOutput];
};

/** ECR's repository operations: the repositories' settings and tags. */
export function repositoryOperations(store: RepositoryStore, registry: LocalRegistry): OperationTable {
  const describe = (record: RepositoryRecord, context: RequestContext) =>
    describeRepository(record, context.accountId, registry.host);

  return defineOperations<RepositoryOperations>({
    CreateRepository: (input, context) => {
      const name = repositoryName(input);
      const registryId = requestedRegistryId(input, context);
      if (registryId !== context.accountId) {
        throw invalidParameter(
          'registryId',
          `repositories can only be created in your own registry (${context.accountId})`
        );
      }
      if (store.get(name)) throw repositoryAlreadyExists(name, registryId);
      const mutability = tagMutability(input);
      const record: RepositoryRecord = {
        repositoryName: name,
        region: context.region,
        createdAt: new Date(),
        ...mutability,
        scanOnPush:
          optionalBoolean(
            wireMembers<ImageScanningConfiguration>(input.imageScanningConfiguration).scanOnPush,
            'imageScanningConfiguration.scanOnPush'
          ) ?? false,
        encryptionConfiguration: encryptionConfiguration(input.encryptionConfiguration, context),
        tags: mergeTags([], resourceTags(input.tags)),
        pushedAt: {}
      };
      store.put(record);
      return { repository: describe(record, context) };
    },

    DescribeRepositories: (input, context) => {
      const registryId = requestedRegistryId(input, context);
      const names = input.repositoryNames;
      let records: RepositoryRecord[];
      if (names !== undefined) {
        if (!Array.isArray(names) || names.length === 0 || names.length > 100) {
          throw invalidParameter('repositoryNames', 'must be a list of 1 to 100 repository names');
        }
        records = names.map((name: unknown) => {
          const checked = repositoryName({ repositoryName: name });
          const record = registryId === context.accountId ? store.get(checked) : undefined;
          if (!record) throw repositoryNotFound(checked, registryId);
          return record;
        });
      } else {
        records = registryId === context.accountId ? store.all() : [];
      }
      const { items: page, nextToken } = paginate(records, pageRequest(input));
      return { repositories: page.map((record) => describe(record, context)), nextToken };
    },

    DeleteRepository: async (input, context) => {
      const record = existingRepository(input, context, store);
      const force = optionalBoolean(input.force, 'force') ?? false;
      const name = record.repositoryName;
      const images = await imagesOf(registry, record);
      if (images.length > 0 && !force) throw repositoryNotEmpty(name, context.accountId);
      for (const image of images) await registry.client.deleteManifest(name, image.digest);
      store.delete(name);
      return { repository: describe(record, context) };
    },

    PutImageTagMutability: (input, context) => {
      const record = existingRepository(input, context, store);
      const mutability = tagMutability(input, true);
      record.imageTagMutability = mutability.imageTagMutability;
      if (mutability.imageTagMutabilityExclusionFilters) {
        record.imageTagMutabilityExclusionFilters = mutability.imageTagMutabilityExclusionFilters;
      } else {
        delete record.imageTagMutabilityExclusionFilters;
      }
      store.save();
      return {
        registryId: context.accountId,
        repositoryName: record.repositoryName,
        ...mutability
      };
    },

    PutImageScanningConfiguration: (input, context) => {
      const record = existingRepository(input, context, store);
      if (input.imageScanningConfiguration === undefined) {
        throw invalidParameter('imageScanningConfiguration', 'is required');
      }
      const scanOnPush = optionalBoolean(
        wireMembers<ImageScanningConfiguration>(input.imageScanningConfiguration).scanOnPush,
        'imageScanningConfiguration.scanOnPush'
      );
      record.scanOnPush = scanOnPush ?? false;
      store.save();
      return {
        registryId: context.accountId,
        repositoryName: record.repositoryName,
        imageScanningConfiguration: { scanOnPush: record.scanOnPush }
      };
    },

    TagResource: (input, context) => {
      const record = repositoryByArn(input, context, store);
      record.tags = mergeTags(record.tags, resourceTags(input.tags));
      store.save();
      return {};
    },

    UntagResource: (input, context) => {
      const record = repositoryByArn(input, context, store);
      const keys = input.tagKeys;
      if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) {
        throw invalidParameter('tagKeys', 'must be a list of tag keys');
      }
      record.tags = record.tags.filter((tag) => !keys.includes(tag.Key));
      store.save();
      return {};
    },

    ListTagsForResource: (input, context) => ({ tags: repositoryByArn(input, context, store).tags })
  });
}

export function repositoryArn(record: RepositoryRecord, accountId: string): string {
  return `arn:aws:ecr:${record.region}:${accountId}:repository/${record.repositoryName}`;
}

function describeRepository(record: RepositoryRecord, accountId: string, registryHost: string): Repository {
  return {
    repositoryArn: repositoryArn(record, accountId),
    registryId: accountId,
    repositoryName: record.repositoryName,
    repositoryUri: `${registryHost}/${record.repositoryName}`,
    createdAt: record.createdAt,
    imageTagMutability: record.imageTagMutability,
    imageTagMutabilityExclusionFilters: record.imageTagMutabilityExclusionFilters,
    imageScanningConfiguration: { scanOnPush: record.scanOnPush },
    encryptionConfiguration: record.encryptionConfiguration
  };
}

function tagMutability(
  input: WireInput<PutImageTagMutabilityCommandInput>,
  required = false
): Pick<RepositoryRecord, 'imageTagMutability' | 'imageTagMutabilityExclusionFilters'> {
  const value = input.imageTagMutability;
  if (value === undefined && !required) return { imageTagMutability: 'MUTABLE' };
  if (!MUTABILITIES.includes(value as TagMutability)) {
    throw invalidParameter('imageTagMutability', `must be one of ${MUTABILITIES.join(', ')}`);
  }
  const imageTagMutability = value as TagMutability;
  const filters = input.imageTagMutabilityExclusionFilters;
  const withExclusion = imageTagMutability.endsWith('_WITH_EXCLUSION');
  if (filters === undefined) {
    if (withExclusion) {
      throw invalidParameter('imageTagMutabilityExclusionFilters', `is required with ${imageTagMutability}`);
    }
    return { imageTagMutability };
  }
  if (!withExclusion) {
    throw invalidParameter(
      'imageTagMutabilityExclusionFilters',
      `is only allowed with *_WITH_EXCLUSION settings`
    );
  }
  if (!Array.isArray(filters) || filters.length === 0 || filters.length > 5) {
    throw invalidParameter('imageTagMutabilityExclusionFilters', 'must be a list of 1 to 5 filters');
  }
  const checked = filters.map((filter: unknown): MutabilityExclusionFilter => {
    const { filterType, filter: pattern } = wireMembers<ImageTagMutabilityExclusionFilter>(filter);
    if (
      filterType !== 'WILDCARD' ||
      typeof pattern !== 'string' ||
      !/^[0-9a-zA-Z._*-]{1,128}$/.test(pattern)
    ) {
      throw invalidParameter(
        'imageTagMutabilityExclusionFilters',
        "each filter must be { filterType: 'WILDCARD', filter: '[0-9a-zA-Z._*-]{1,128}' }"
      );
    }
    return { filterType, filter: pattern };
  });
  return { imageTagMutability, imageTagMutabilityExclusionFilters: checked };
}

function encryptionConfiguration(
  value: unknown,
  context: RequestContext
): RepositoryRecord['encryptionConfiguration'] {
  if (value === undefined) return { encryptionType: 'AES256' };
  const { encryptionType, kmsKey } = wireMembers<EncryptionConfiguration>(value);
  if (!ENCRYPTION_TYPES.includes(encryptionType as (typeof ENCRYPTION_TYPES)[number])) {
    throw invalidParameter(
      'encryptionConfiguration.encryptionType',
      `must be one of ${ENCRYPTION_TYPES.join(', ')}`
    );
  }
  const type = encryptionType as (typeof ENCRYPTION_TYPES)[number];
  if (type === 'AES256') {
    if (kmsKey !== undefined) {
      throw invalidParameter(
        'encryptionConfiguration.kmsKey',
        'must not be set when encryptionType is AES256'
      );
    }
    return { encryptionType: type };
  }
  if (kmsKey !== undefined && (typeof kmsKey !== 'string' || kmsKey.length === 0 || kmsKey.length > 2048)) {
    throw invalidParameter('encryptionConfiguration.kmsKey', 'must be a KMS key ID, alias or ARN');
  }
  return { encryptionType: type, kmsKey: kmsKey ?? awsManagedKeyArn(context) };
}

/**
 * Without a key, ECR uses the account's AWS managed key for ECR (alias aws/ecr) and reports its key ARN.
 * That key is one per account and region, so its id is derived from them: every repository names the same.
 */
function awsManagedKeyArn(context: RequestContext): string {
  const hex = createHash('sha256').update(`aws/ecr/${context.accountId}/${context.region}`).digest('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return `arn:aws:kms:${context.region}:${context.accountId}:key/${id}`;
}

function repositoryByArn(
  input: WireInput<{ resourceArn: string }>,
  context: RequestContext,
  store: RepositoryStore
): RepositoryRecord {
  const arn = input.resourceArn;
  const match =
    typeof arn === 'string' ? /^arn:aws:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/.exec(arn) : null;
  if (!match) throw invalidParameter('resourceArn', 'must be an ECR repository ARN');
  const [, , accountId, name] = match as unknown as [string, string, string, string];
  const record = accountId === context.accountId ? store.get(name) : undefined;
  if (!record || repositoryArn(record, context.accountId) !== arn) throw repositoryNotFound(name, accountId);
  return record;
}
