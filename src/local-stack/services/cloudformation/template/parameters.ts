import { templateFormatError, validationError } from '../errors.js';
import type { ParameterDeclaration, Template } from './types.js';
import { wireText } from '../../../wire/types.js';

/** A parameter as the Query wire delivers it (booleans arrive as strings). */
export interface ParameterInput {
  ParameterKey?: string;
  ParameterValue?: string;
  UsePreviousValue?: string | boolean;
}

const LIST_TYPES = /^List<(.+)>$/;
const AWS_SPECIFIC_TYPE = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/;

/** Refuses parameter types CloudFormation does not define, or the local stack cannot resolve. */
export function checkParameterDeclarations(parameters: Template['Parameters']): void {
  for (const [name, declaration] of Object.entries(parameters)) {
    const type = declaration.Type;
    if (type.startsWith('AWS::SSM::Parameter::')) {
      throw templateFormatError(
        `Parameter '${name}' has type ${type}, which the local stack does not resolve.`
      );
    }
    const element = LIST_TYPES.exec(type)?.[1] ?? type;
    const known =
      ['String', 'Number', 'CommaDelimitedList'].includes(type) ||
      element === 'Number' ||
      AWS_SPECIFIC_TYPE.test(element);
    if (!known) throw templateFormatError(`Unrecognized parameter type: ${type}`);
  }
}

export const isNoEcho = (declaration: ParameterDeclaration): boolean => String(declaration.NoEcho) === 'true';

/**
 * The stack's parameter values (as strings, as CloudFormation stores them): given values, else the previous
 * value when UsePreviousValue is set, else the default. Validates each against its declaration.
 */
export function resolveParameters(
  declarations: Template['Parameters'],
  given: ParameterInput[],
  previous: Record<string, string> = {}
): Record<string, string> {
  const byKey = new Map(given.map((parameter) => [parameter.ParameterKey ?? '', parameter]));
  const unknown = [...byKey.keys()].filter((key) => !Object.hasOwn(declarations, key));
  if (unknown.length > 0)
    throw validationError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);

  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, declaration] of Object.entries(declarations)) {
    const input = byKey.get(name);
    let value: string | undefined;
    if (input && String(input.UsePreviousValue) === 'true') {
      value = Object.hasOwn(previous, name) ? previous[name] : undefined;
      if (value === undefined)
        throw validationError(
          `Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`
        );
    } else if (input?.ParameterValue !== undefined) {
      value = input.ParameterValue;
    } else if (declaration.Default !== undefined) {
      value = defaultText(declaration);
    }
    if (value === undefined) missing.push(name);
    else values[name] = value;
  }
  if (missing.length > 0) throw validationError(`Parameters: [${missing.join(', ')}] must have values`);
  for (const [name, value] of Object.entries(values)) {
    validateParameter(name, declarations[name] as ParameterDeclaration, value);
  }
  return values;
}

/** What `Ref` to a parameter gives: a string, or a list for list types. */
export function parameterRefValue(declaration: ParameterDeclaration, value: string): string | string[] {
  return isListType(declaration.Type) ? splitList(value) : value;
}

function validateParameter(name: string, declaration: ParameterDeclaration, value: string): void {
  const constraint = (fallback: string) =>
    validationError(
      declaration.ConstraintDescription !== undefined
        ? `Parameter '${name}' failed to satisfy constraint: ${declaration.ConstraintDescription}`
        : fallback
    );
  const items = isListType(declaration.Type) ? splitList(value) : [value];
  const numeric = declaration.Type === 'Number' || declaration.Type === 'List<Number>';
  for (const item of items) {
    if (numeric && !/^-?\d+(\.\d+)?$/.test(item.trim())) {
      throw validationError(`Parameter '${name}' must be a number.`);
    }
    if (declaration.AllowedValues && !declaration.AllowedValues.map(String).includes(item)) {
      throw validationError(`Parameter '${name}' must be one of AllowedValues`);
    }
    if (
      declaration.AllowedPattern !== undefined &&
      !new RegExp(`^(?:${declaration.AllowedPattern})$`).test(item)
    ) {
      throw constraint(`Parameter '${name}' must match pattern ${declaration.AllowedPattern}`);
    }
    if (declaration.MinLength !== undefined && item.length < Number(declaration.MinLength)) {
      throw constraint(`Parameter '${name}' must contain at least ${declaration.MinLength} characters`);
    }
    if (declaration.MaxLength !== undefined && item.length > Number(declaration.MaxLength)) {
      throw constraint(`Parameter '${name}' must contain at most ${declaration.MaxLength} characters`);
    }
    if (numeric && declaration.MinValue !== undefined && Number(item) < Number(declaration.MinValue)) {
      throw constraint(`Parameter '${name}' must be a number not less than ${declaration.MinValue}`);
    }
    if (numeric && declaration.MaxValue !== undefined && Number(item) > Number(declaration.MaxValue)) {
      throw constraint(`Parameter '${name}' must be a number not greater than ${declaration.MaxValue}`);
    }
  }
}

function isListType(type: string): boolean {
  return type === 'CommaDelimitedList' || LIST_TYPES.test(type);
}

function splitList(value: string): string[] {
  return value === '' ? [] : value.split(',').map((item) => item.trim());
}

/** A declared Default as CloudFormation reads it: text, a YAML list's items joined by commas. */
export function defaultText(declaration: ParameterDeclaration): string | undefined {
  const value = declaration.Default;
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map(wireText).join(',') : wireText(value);
}
