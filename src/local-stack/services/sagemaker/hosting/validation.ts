import type { ListEndpointsCommandInput } from '@aws-sdk/client-sagemaker';
import { validationError } from '../../../wire/errors.js';
import { paginate, type PageRequest } from '../../../wire/pagination.js';
import { wireText, type WireInput } from '../../../wire/types.js';

/** SageMaker's name pattern for models, endpoint configs, endpoints and variants (at most 63 characters). */
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** A required name member, checked as SageMaker's model constrains it. */
export function requireName<In>(input: WireInput<In>, member: keyof In & string): string {
  const value = input[member];
  if (typeof value !== 'string' || value === '') {
    throw validationError(
      `1 validation error detected: Value null at '${lowerFirst(member)}' failed to satisfy constraint: Member must not be null`
    );
  }
  if (!NAME.test(value)) {
    throw validationError(
      `1 validation error detected: Value '${value}' at '${lowerFirst(member)}' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`
    );
  }
  return value;
}

export function optionalNumber<In>(
  input: WireInput<In>,
  member: keyof In & string,
  min: number,
  max: number
): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw validationError(
      `1 validation error detected: Value '${String(value)}' at '${lowerFirst(member)}' failed to satisfy constraint: ` +
        `Member must have value between ${min} and ${max}`
    );
  }
  return value;
}

export interface ListRequest {
  sortBy: string;
  descending: boolean;
  page: PageRequest;
  nameContains?: string;
  createdBefore?: Date;
  createdAfter?: Date;
  modifiedBefore?: Date;
  modifiedAfter?: Date;
}

/** The members SageMaker's List* operations share; ListEndpoints has them all. */
export type ListMembers = WireInput<ListEndpointsCommandInput>;

/** The members every SageMaker List* operation of hosting shares. */
export function parseListRequest(input: ListMembers, sortKeys: string[]): ListRequest {
  const sortBy = input.SortBy ?? 'CreationTime';
  if (!sortKeys.includes(wireText(sortBy))) {
    throw validationError(
      `1 validation error detected: Value '${wireText(sortBy)}' at 'sortBy' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${sortKeys.join(', ')}]`
    );
  }
  const order = input.SortOrder ?? 'Descending';
  if (order !== 'Ascending' && order !== 'Descending') {
    throw validationError(
      `1 validation error detected: Value '${wireText(order)}' at 'sortOrder' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [Ascending, Descending]`
    );
  }
  return {
    sortBy: wireText(sortBy),
    descending: order === 'Descending',
    page: {
      token: input.NextToken,
      pageSize: optionalNumber(input, 'MaxResults', 1, 100) ?? 10,
      invalidToken: () =>
        validationError('Invalid pagination token because it is not a token this operation returned.')
    },
    ...(typeof input.NameContains === 'string' && { nameContains: input.NameContains }),
    ...optionalDate(input, 'CreationTimeBefore', 'createdBefore'),
    ...optionalDate(input, 'CreationTimeAfter', 'createdAfter'),
    ...optionalDate(input, 'LastModifiedTimeBefore', 'modifiedBefore'),
    ...optionalDate(input, 'LastModifiedTimeAfter', 'modifiedAfter')
  };
}

interface Listable {
  name: string;
  created: Date;
  modified?: Date;
  status?: string;
}

/** Filters, sorts and pages records the way SageMaker's List* operations do. */
export function listPage<T>(
  records: T[],
  describe: (record: T) => Listable,
  request: ListRequest
): { page: T[]; NextToken?: string } {
  const matching = records.filter((record) => {
    const { name, created, modified } = describe(record);
    return (
      (request.nameContains === undefined ||
        name.toLowerCase().includes(request.nameContains.toLowerCase())) &&
      (request.createdBefore === undefined || created < request.createdBefore) &&
      (request.createdAfter === undefined || created > request.createdAfter) &&
      (request.modifiedBefore === undefined ||
        (modified !== undefined && modified < request.modifiedBefore)) &&
      (request.modifiedAfter === undefined || (modified !== undefined && modified > request.modifiedAfter))
    );
  });
  const sortValue = (record: T): string | number => {
    const listed = describe(record);
    if (request.sortBy === 'Name') return listed.name.toLowerCase();
    if (request.sortBy === 'Status') return listed.status ?? '';
    return listed.created.getTime();
  };
  matching.sort((a, b) => {
    const [left, right] = [sortValue(a), sortValue(b)];
    const order = left < right ? -1 : left > right ? 1 : 0;
    return request.descending ? -order : order;
  });
  return pageOfList(matching, request);
}

/** One page of records already filtered and sorted, with SageMaker's NextToken member. */
export function pageOfList<T>(records: T[], request: ListRequest): { page: T[]; NextToken?: string } {
  const { items, nextToken } = paginate(records, request.page);
  return { page: items, ...(nextToken !== undefined && { NextToken: nextToken }) };
}

function optionalDate(
  input: ListMembers,
  member: keyof ListMembers,
  field: keyof ListRequest
): Partial<ListRequest> {
  const value = input[member];
  if (value === undefined || value === null) return {};
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(wireText(value));
  if (Number.isNaN(date.getTime())) {
    throw validationError(
      `1 validation error detected: Value '${wireText(value)}' at '${lowerFirst(member)}' is not a timestamp`
    );
  }
  return { [field]: date };
}

function lowerFirst(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}
