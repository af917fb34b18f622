import { validationError } from '../../../wire/errors.js';
import type { OperationInput } from '../../../wire/types.js';

/** SageMaker's name pattern for models, endpoint configs, endpoints and variants (at most 63 characters). */
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** A required name member, checked as SageMaker's model constrains it. */
export function requireName(input: OperationInput, member: string): string {
  const value: unknown = input[member];
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

export function optionalNumber(
  input: OperationInput,
  member: string,
  min: number,
  max: number
): number | undefined {
  const value: unknown = input[member];
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
  maxResults: number;
  offset: number;
  nameContains?: string;
  createdBefore?: Date;
  createdAfter?: Date;
  modifiedBefore?: Date;
  modifiedAfter?: Date;
}

/** The members every SageMaker List* operation of hosting shares. */
export function parseListRequest(input: OperationInput, sortKeys: string[]): ListRequest {
  const sortBy = input['SortBy'] ?? 'CreationTime';
  if (!sortKeys.includes(String(sortBy))) {
    throw validationError(
      `1 validation error detected: Value '${String(sortBy)}' at 'sortBy' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${sortKeys.join(', ')}]`
    );
  }
  const order = input['SortOrder'] ?? 'Descending';
  if (order !== 'Ascending' && order !== 'Descending') {
    throw validationError(
      `1 validation error detected: Value '${String(order)}' at 'sortOrder' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [Ascending, Descending]`
    );
  }
  return {
    sortBy: String(sortBy),
    descending: order === 'Descending',
    maxResults: optionalNumber(input, 'MaxResults', 1, 100) ?? 10,
    offset: parseNextToken(input['NextToken']),
    ...(typeof input['NameContains'] === 'string' && { nameContains: input['NameContains'] }),
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
  const end = request.offset + request.maxResults;
  return {
    page: matching.slice(request.offset, end),
    ...(end < matching.length && { NextToken: Buffer.from(`offset:${end}`).toString('base64') })
  };
}

function parseNextToken(token: unknown): number {
  if (token === undefined || token === null || token === '') return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(String(token), 'base64').toString('utf8'));
  if (!match)
    throw validationError('Invalid pagination token because it is not a token this operation returned.');
  return Number(match[1]);
}

function optionalDate(input: OperationInput, member: string, field: keyof ListRequest): Partial<ListRequest> {
  const value: unknown = input[member];
  if (value === undefined || value === null) return {};
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
  if (Number.isNaN(date.getTime())) {
    throw validationError(
      `1 validation error detected: Value '${String(value)}' at '${lowerFirst(member)}' is not a timestamp`
    );
  }
  return { [field]: date };
}

function lowerFirst(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}
