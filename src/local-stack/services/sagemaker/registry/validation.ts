import type {
  ContainerDefinition,
  InferenceSpecification,
  MetricsSource,
  ModelApprovalStatus,
  ModelMetrics
} from '@aws-sdk/client-sagemaker';
import { validationError } from '../../../wire/errors.js';
import { wireMembers, wireText, type WireInput } from '../../../wire/types.js';
import type { Tag } from './records.js';

/** EntityName in SageMaker's model: model package group names. */
const ENTITY_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** ArnOrName: a group's ARN or its name. */
const GROUP_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:model-package-group\/(.+)$/;
/** VersionedArnOrName: a version's ARN, or `<group>/<version>`. */
const PACKAGE_ARN =
  /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]{9,16}:[0-9]{12}:model-package\/([^/]+)\/([0-9]{1,9})$/;
const VERSIONED_NAME = /^([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})\/([0-9]{1,9})$/;
/** CustomerMetadataKey/Value and TagKey/Value: letters, spaces, digits and _.:/=+-@ */
const METADATA_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const APPROVAL_STATUSES = ['Approved', 'Rejected', 'PendingManualApproval'] as const;

function lowerFirst(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function constraint(value: unknown, member: string, rule: string) {
  return validationError(
    `1 validation error detected: Value '${String(value)}' at '${lowerFirst(member)}' failed to satisfy constraint: ${rule}`
  );
}

export function requireString<In>(input: WireInput<In>, member: keyof In & string): string {
  const value = input[member];
  if (typeof value !== 'string' || value === '') {
    throw validationError(
      `1 validation error detected: Value null at '${lowerFirst(member)}' failed to satisfy constraint: Member must not be null`
    );
  }
  return value;
}

export function requireEntityName<In>(input: WireInput<In>, member: keyof In & string): string {
  const value = requireString(input, member);
  if (!ENTITY_NAME.test(value)) {
    throw constraint(
      value,
      member,
      'Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}'
    );
  }
  return value;
}

/** A group given by name or ARN: the group name. */
export function requireGroupName<In>(input: WireInput<In>, member: keyof In & string): string {
  const value = requireString(input, member);
  const fromArn = GROUP_ARN.exec(value)?.[1];
  const name = fromArn ?? value;
  if (!ENTITY_NAME.test(name)) {
    throw constraint(
      value,
      member,
      'Member must satisfy regular expression pattern: (arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)'
    );
  }
  return name;
}

/** A model package version given by ARN or `<group>/<version>`. */
export function requireVersionedName<In>(
  input: WireInput<In>,
  member: keyof In & string
): { group: string; version: number } {
  const value = requireString(input, member);
  const match = PACKAGE_ARN.exec(value) ?? VERSIONED_NAME.exec(value);
  if (!match?.[1] || !match[2]) {
    throw validationError(
      `Model package '${value}' is not a model package version: give its ARN or <group>/<version>. ` +
        `(The local stack has no unversioned model packages.)`
    );
  }
  return { group: match[1], version: Number(match[2]) };
}

export function optionalText<In>(
  input: WireInput<In>,
  member: keyof In & string,
  max: number
): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw constraint(value, member, `Member must have length less than or equal to ${max}`);
  }
  return value;
}

export function optionalApprovalStatus<In>(
  input: WireInput<In>,
  member: keyof In & string
): ModelApprovalStatus | undefined {
  return optionalEnum(input, member, APPROVAL_STATUSES);
}

export function optionalEnum<In, Value extends string>(
  input: WireInput<In>,
  member: keyof In & string,
  allowed: readonly Value[]
): Value | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw constraint(value, member, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as Value;
}

function checkMetadataText(value: unknown, member: string, min: number, max: number): string {
  if (typeof value !== 'string' || value.length < min || value.length > max || !METADATA_TEXT.test(value)) {
    throw constraint(
      value,
      member,
      `Member must have length between ${min} and ${max} and satisfy regular expression pattern: ([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)`
    );
  }
  return value;
}

/** CustomerMetadataMap: 1 to 50 entries of metadata text. */
export function optionalMetadata<In>(
  input: WireInput<In>,
  member: keyof In & string
): Record<string, string> | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw constraint(value, member, 'Member must be a map');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length < 1 || entries.length > 50) {
    throw constraint(`{${entries.length} entries}`, member, 'Member must have between 1 and 50 entries');
  }
  return Object.fromEntries(
    entries.map(([key, entry]) => [
      checkMetadataText(key, `${member}.key`, 1, 128),
      checkMetadataText(entry, `${member}.value`, 1, 256)
    ])
  );
}

export function optionalTags<In>(input: WireInput<In>, member: keyof In & string): Tag[] {
  const value = input[member];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 50) {
    throw constraint('[...]', member, 'Member must have length less than or equal to 50');
  }
  return value.map((given: unknown) => {
    const tag = wireMembers<Tag>(given);
    return {
      Key: checkMetadataText(tag.Key, `${member}.member.key`, 1, 128),
      Value: checkMetadataText(tag.Value ?? '', `${member}.member.value`, 0, 256)
    };
  });
}

/** InferenceSpecification: 1 to 15 containers, each with an image (the local stack runs images, not models). */
export function optionalInferenceSpecification(
  input: WireInput<{ InferenceSpecification: InferenceSpecification }>
): InferenceSpecification | undefined {
  const specification = input.InferenceSpecification;
  if (specification === undefined || specification === null) return undefined;
  const containers = wireMembers<InferenceSpecification>(specification).Containers;
  if (!Array.isArray(containers) || containers.length < 1 || containers.length > 15) {
    throw validationError(
      `1 validation error detected: Value at 'inferenceSpecification.containers' failed to satisfy constraint: ` +
        `Member must have length between 1 and 15`
    );
  }
  containers.forEach((given: unknown, index) => {
    const container = wireMembers<ContainerDefinition>(given);
    const image = container.Image;
    if (typeof image !== 'string' || image.length > 255 || !/^\S+$/.test(image)) {
      throw validationError(
        `1 validation error detected: Value '${String(image)}' at 'inferenceSpecification.containers.${index + 1}.member.image' ` +
          `failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+`
      );
    }
    const modelDataUrl = container.ModelDataUrl;
    if (modelDataUrl !== undefined && !/^(https|s3):\/\/([^/]+)\/?(.*)$/.test(wireText(modelDataUrl))) {
      throw validationError(
        `1 validation error detected: Value '${wireText(modelDataUrl)}' at 'inferenceSpecification.containers.${index + 1}.member.modelDataUrl' ` +
          `failed to satisfy constraint: Member must satisfy regular expression pattern: (https|s3)://([^/]+)/?(.*)`
      );
    }
  });
  return specification as InferenceSpecification;
}

/** ModelMetrics: every MetricsSource needs a ContentType and an S3Uri. */
export function optionalModelMetrics(
  input: WireInput<{ ModelMetrics: ModelMetrics }>
): ModelMetrics | undefined {
  const metrics = input.ModelMetrics;
  if (metrics === undefined || metrics === null) return undefined;
  for (const [category, reports] of Object.entries(wireMembers<Record<string, unknown>>(metrics))) {
    for (const [report, given] of Object.entries(wireMembers<Record<string, unknown>>(reports))) {
      const source = wireMembers<MetricsSource>(given);
      const member = `modelMetrics.${lowerFirst(category)}.${lowerFirst(report)}`;
      if (typeof source.ContentType !== 'string') {
        throw validationError(
          `1 validation error detected: Value null at '${member}.contentType' failed to satisfy constraint: Member must not be null`
        );
      }
      if (typeof source.S3Uri !== 'string' || !/^s3:\/\/([^/]+)\/?(.*)$/.test(source.S3Uri)) {
        throw validationError(
          `1 validation error detected: Value '${String(source.S3Uri)}' at '${member}.s3Uri' failed to satisfy constraint: ` +
            `Member must satisfy regular expression pattern: s3://([^/]+)/?(.*)`
        );
      }
    }
  }
  return metrics;
}
