import { wireMembers, type RequestContext, type WireInput } from '../../wire/types.js';
import type { Tag } from '@aws-sdk/client-ecr';
import type { PageRequest } from '../../wire/pagination.js';
import { invalidParameter, invalidTagParameter, repositoryNotFound, tooManyTags } from './errors.js';
import type { RepositoryRecord, RepositoryStore, ResourceTag } from './repositories.js';

/** The RepositoryName pattern of ECR's service model, anchored. */
const REPOSITORY_NAME = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
/** Docker's tag grammar, which ECR applies to pushed tags. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX_TAGS = 50;

/** The members that name a repository, in the requests that take one. */
export type RepositoryReference = WireInput<{ registryId?: string; repositoryName: string }>;

export function repositoryName(input: RepositoryReference): string {
  const name = input.repositoryName;
  if (typeof name !== 'string' || name.length < 2 || name.length > 256 || !REPOSITORY_NAME.test(name)) {
    throw invalidParameter(
      'repositoryName',
      `must satisfy regular expression '${REPOSITORY_NAME.source}' and be 2 to 256 characters long`
    );
  }
  return name;
}

/** The repository a request names, in the caller's registry. */
export function existingRepository(
  input: RepositoryReference,
  context: RequestContext,
  store: RepositoryStore
): RepositoryRecord {
  const name = repositoryName(input);
  const registryId = requestedRegistryId(input, context);
  const record = registryId === context.accountId ? store.get(name) : undefined;
  if (!record) throw repositoryNotFound(name, registryId);
  return record;
}

export function requestedRegistryId(input: RepositoryReference, context: RequestContext): string {
  const registryId = input.registryId;
  if (registryId === undefined) return context.accountId;
  if (typeof registryId !== 'string' || !/^[0-9]{12}$/.test(registryId)) {
    throw invalidParameter('registryId', 'must be a 12-digit AWS account ID');
  }
  return registryId;
}

export function imageTag(tag: unknown, parameter = 'imageTag'): string {
  if (typeof tag !== 'string' || !IMAGE_TAG.test(tag)) {
    throw invalidParameter(parameter, `must satisfy regular expression '${IMAGE_TAG.source}'`);
  }
  return tag;
}

export function optionalBoolean(value: unknown, parameter: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidParameter(parameter, 'must be a boolean');
  return value;
}

/** Resource tags as CreateRepository and TagResource take them, checked as ECR checks them. */
export function resourceTags(value: unknown): ResourceTag[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidTagParameter('tags must be a list of {Key, Value}');
  return value.map((tag: unknown) => {
    const { Key, Value } = wireMembers<Tag>(tag);
    if (typeof Key !== 'string' || Key.length === 0 || Key.length > 128) {
      throw invalidTagParameter('Every tag needs a Key of 1 to 128 characters.');
    }
    if (Key.toLowerCase().startsWith('aws:')) {
      throw invalidTagParameter(`The tag key '${Key}' uses the reserved prefix 'aws:'.`);
    }
    if (typeof Value !== 'string' || Value.length > 256) {
      throw invalidTagParameter(`The tag '${Key}' needs a Value of at most 256 characters.`);
    }
    return { Key, Value };
  });
}

/** Adds or replaces tags by key, enforcing ECR's limit of 50 per resource. */
export function mergeTags(existing: ResourceTag[], added: ResourceTag[]): ResourceTag[] {
  const byKey = new Map(existing.map((tag) => [tag.Key, tag.Value]));
  for (const tag of added) byKey.set(tag.Key, tag.Value);
  if (byKey.size > MAX_TAGS) throw tooManyTags(byKey.size);
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

/** The page a Describe* or List* request asks for: ECR's maxResults (default 100) and nextToken. */
export function pageRequest(input: WireInput<{ maxResults?: number; nextToken?: string }>): PageRequest {
  const { maxResults, nextToken } = input;
  if (
    maxResults !== undefined &&
    (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000)
  ) {
    throw invalidParameter('maxResults', 'must be an integer from 1 to 1000');
  }
  return {
    token: nextToken,
    pageSize: maxResults ?? 100,
    invalidToken: () => invalidParameter('nextToken', 'must be a token returned by a previous call')
  };
}
