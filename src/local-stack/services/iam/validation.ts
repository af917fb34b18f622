import { AwsServiceError } from '../../wire/errors.js';
import { wireMembers, wireText, type WireInput } from '../../wire/types.js';
import type { Tag } from './store.js';

/** IAM's own validation error code (Query services answer ValidationError, not ValidationException). */
export const validationError = (message: string) => new AwsServiceError('ValidationError', message);

export const noSuchEntity = (message: string) => new AwsServiceError('NoSuchEntity', message, 404);
export const entityAlreadyExists = (message: string) =>
  new AwsServiceError('EntityAlreadyExists', message, 409);
export const deleteConflict = (message: string) => new AwsServiceError('DeleteConflict', message, 409);
export const invalidInput = (message: string) => new AwsServiceError('InvalidInput', message);

/** A required string member; `shapeMember` is its name as AWS's messages spell it (camel case). */
export function requiredString<In>(input: WireInput<In>, member: keyof In & string): string {
  const value = input[member];
  if (typeof value !== 'string' || value.length === 0) {
    throw validationError(
      `1 validation error detected: Value null at '${camel(member)}' failed to satisfy constraint: Member must not be null`
    );
  }
  return value;
}

export function optionalString<In>(input: WireInput<In>, member: keyof In & string): string | undefined {
  const value = input[member];
  return typeof value === 'string' ? value : undefined;
}

/** Role, policy and session names: `[\w+=,.@-]+` within a length limit. */
export function checkName(value: string, member: string, maxLength: number): string {
  const problem = !/^[\w+=,.@-]+$/.test(value)
    ? 'Member must satisfy regular expression pattern: [\\w+=,.@-]+'
    : value.length > maxLength
      ? `Member must have length less than or equal to ${maxLength}`
      : undefined;
  if (problem) {
    throw validationError(
      `1 validation error detected: Value '${value}' at '${camel(member)}' failed to satisfy constraint: ${problem}`
    );
  }
  return value;
}

/** A path: `/` alone or `/segments/` (IAM's default is `/`). */
export function checkPath(input: WireInput<{ Path?: string }>): string {
  const path = optionalString(input, 'Path') ?? '/';
  if (!/^\/([\x21-\x7e]*\/)?$/.test(path) || path.length > 512) {
    throw validationError(
      `1 validation error detected: Value '${path}' at 'path' failed to satisfy constraint: Member must satisfy ` +
        `regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)`
    );
  }
  return path;
}

export function optionalTags(input: WireInput<{ Tags?: Tag[] }>): Tag[] {
  const tags = input.Tags;
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) throw validationError('Tags must be a list of Key/Value pairs.');
  return tags.map((tag: unknown) => {
    const { Key, Value } = wireMembers<Tag>(tag);
    if (typeof Key !== 'string' || Key.length === 0) {
      throw validationError('Every tag needs a Key of 1 to 128 characters.');
    }
    return { Key, Value: typeof Value === 'string' ? Value : '' };
  });
}

export function stringList<In>(input: WireInput<In>, member: keyof In & string): string[] {
  const value = input[member];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw validationError(`${member} must be a list of strings.`);
  }
  return value;
}

/** IAM's Marker/MaxItems paging; the marker is the offset of the next item. */
export function page<T>(
  items: T[],
  input: WireInput<{ Marker?: string; MaxItems?: number }>
): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const maxItems = input.MaxItems === undefined ? 100 : Number(input.MaxItems);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000) {
    throw validationError(
      `1 validation error detected: Value '${wireText(input.MaxItems)}' at 'maxItems' failed to satisfy constraint: ` +
        'Member must have value between 1 and 1000'
    );
  }
  const marker = optionalString(input, 'Marker');
  const start = marker === undefined ? 0 : Number(marker);
  if (!Number.isInteger(start) || start < 0)
    throw invalidInput(`Marker '${marker}' is not one this service issued.`);
  const next = start + maxItems;
  return {
    items: items.slice(start, next),
    IsTruncated: next < items.length,
    ...(next < items.length && { Marker: String(next) })
  };
}

/** Policy documents travel URL-encoded in IAM's answers (RFC 3986); SDKs and botocore decode them. */
export function encodeDocument(text: string): string {
  return encodeURIComponent(text);
}

function camel(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}
