import type { Parameter } from '@aws-sdk/client-cloudformation';
import { wireMembers, wireText, type WireInput } from '../../../wire/types.js';
import { insufficientCapabilities, validationError } from '../errors.js';
import type { Tag } from '../model.js';
import { fetchedTemplate } from '../template/url.js';
import type { ParameterInput } from '../template/parameters.js';
import type { Template } from '../template/types.js';

/** Reads CloudFormation's inputs as the Query wire delivers them: strings, and lists (`''` when empty). */

export function requiredString<In>(input: WireInput<In>, name: keyof In & string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') {
    throw validationError(
      `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`
    );
  }
  return value;
}

export function optionalString<In>(input: WireInput<In>, name: keyof In & string): string | undefined {
  const value = input[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function booleanInput<In>(input: WireInput<In>, name: keyof In & string): boolean | undefined {
  const value = input[name];
  if (value === undefined) return undefined;
  return value === true || value === 'true';
}

export function integerInput<In>(input: WireInput<In>, name: keyof In & string): number | undefined {
  const value = input[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw validationError(
      `1 validation error detected: Value '${String(value)}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must have value greater than or equal to 1`
    );
  }
  return number;
}

/** A list member; the Query wire delivers each item of a list of strings as a string. */
export function stringListInput<In>(input: WireInput<In>, name: keyof In & string): string[] {
  const value = input[name];
  return Array.isArray(value) ? value.map(wireText) : [];
}

export function parametersInput(input: WireInput<{ Parameters: Parameter[] }>): ParameterInput[] {
  const value = input.Parameters;
  return Array.isArray(value) ? (value as ParameterInput[]) : [];
}

export function tagsInput(input: WireInput<{ Tags: Tag[] }>): Tag[] {
  const value = input.Tags;
  return (Array.isArray(value) ? value : []).map((given: unknown) => {
    const tag = wireMembers<Tag>(given);
    return { Key: wireText(tag.Key ?? ''), Value: wireText(tag.Value ?? '') };
  });
}

const NAME_PATTERN = /^[a-zA-Z][-a-zA-Z0-9]*$/;

/** Stack and change set names: CloudFormation's pattern and length limit, with its validation message. */
export function checkName(value: string, member: 'stackName' | 'changeSetName'): void {
  if (value.length > 128) {
    throw validationError(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to 128`
    );
  }
  if (!NAME_PATTERN.test(value)) {
    throw validationError(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`
    );
  }
}

const TEMPLATE_BODY_LIMIT = 51_200;

/** The template of a request: its TemplateBody, or the template its TemplateURL named (template/url.ts). */
export function templateBodyInput(
  input: WireInput<{ TemplateBody: string; TemplateURL: string }>
): string | undefined {
  const fromUrl = fetchedTemplate(input);
  if (fromUrl !== undefined) return fromUrl;
  const body = optionalString(input, 'TemplateBody');
  if (body !== undefined && Buffer.byteLength(body) > TEMPLATE_BODY_LIMIT) {
    throw validationError(
      `1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${TEMPLATE_BODY_LIMIT}`
    );
  }
  return body;
}

const IAM_NAMES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName'
};
const IAM_TYPES = new Set([
  ...Object.keys(IAM_NAMES),
  'AWS::IAM::Policy',
  'AWS::IAM::AccessKey',
  'AWS::IAM::UserToGroupAddition'
]);

/** The capability a template needs acknowledged (IAM resources; named ones need CAPABILITY_NAMED_IAM). */
export function requiredCapability(template: Template): { capability?: string; types: string[] } {
  const resources = Object.values(template.Resources).filter((resource) => IAM_TYPES.has(resource.Type));
  if (resources.length === 0) return { types: [] };
  const named = resources.some((resource) => {
    const nameProperty = IAM_NAMES[resource.Type];
    return nameProperty !== undefined && resource.Properties?.[nameProperty] !== undefined;
  });
  return {
    capability: named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM',
    types: [...new Set(resources.map((resource) => resource.Type))]
  };
}

export function checkCapabilities(template: Template, given: string[]): void {
  const { capability } = requiredCapability(template);
  if (capability === undefined || given.includes(capability)) return;
  if (capability === 'CAPABILITY_IAM' && given.includes('CAPABILITY_NAMED_IAM')) return;
  throw insufficientCapabilities([capability]);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
