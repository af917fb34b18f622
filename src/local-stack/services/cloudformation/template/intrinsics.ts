import { templateFormatError, validationError } from '../errors.js';
import { ownMember } from '../../../wire/own.js';
import { isRecord } from './parse.js';
import type { Template } from './types.js';

/** What `Ref: AWS::NoValue` evaluates to: the enclosing property or list item is removed. */
export const NO_VALUE = Symbol('AWS::NoValue');

/** Everything an expression can refer to, resolved by whoever evaluates it (change set, deployment). */
export interface EvaluationScope {
  /** A parameter, pseudo parameter or resource; throws when the name cannot be resolved. */
  ref(name: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  importValue(name: string): string;
  condition(name: string): boolean;
  mappings: Template['Mappings'];
  region: string;
}

const FUNCTIONS = new Set([
  'Fn::Base64',
  'Fn::FindInMap',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::If',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::ImportValue'
]);

/** Intrinsics AWS has that the local stack does not evaluate: refused up front rather than half-done. */
const UNSUPPORTED_FUNCTIONS = new Set([
  'Fn::Cidr',
  'Fn::Length',
  'Fn::ToJsonString',
  'Fn::Transform',
  'Fn::GetStackOutput'
]);

/** The function call a value is, if it is one: a single-key object whose key is Ref or Fn::*. */
export function asFunctionCall(value: unknown): { name: string; args: unknown } | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const name = keys[0] as string;
  if (name !== 'Ref' && !name.startsWith('Fn::')) return undefined;
  return { name, args: value[name] };
}

/** Throws CloudFormation's template error for a function the template uses that the engine does not know. */
export function checkFunctionName(name: string, path: string): void {
  if (name === 'Ref' || FUNCTIONS.has(name)) return;
  if (UNSUPPORTED_FUNCTIONS.has(name)) {
    throw templateFormatError(`${name} at ${path} is not supported by the local stack.`);
  }
  throw templateFormatError(
    `Unrecognized function '${name}' at ${path}. Supported functions are: [Ref, ${[...FUNCTIONS].join(', ')}]`
  );
}

/** Evaluates every intrinsic function in `value`; NO_VALUE removes object members and list items. */
export function evaluate(value: unknown, scope: EvaluationScope): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => evaluate(item, scope)).filter((item) => item !== NO_VALUE);
  }
  if (!isRecord(value)) return value;
  const call = asFunctionCall(value);
  if (call) return evaluateFunction(call.name, call.args, scope);
  // fromEntries defines each member, so a property named __proto__ stays a property.
  return Object.fromEntries(
    Object.entries(value)
      .map(([key, member]) => [key, evaluate(member, scope)])
      .filter(([, evaluated]) => evaluated !== NO_VALUE)
  );
}

function evaluateFunction(name: string, args: unknown, scope: EvaluationScope): unknown {
  switch (name) {
    case 'Ref':
      if (args === 'AWS::NoValue') return NO_VALUE;
      return scope.ref(expectString(args, name));
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = getAttArguments(args);
      return scope.getAtt(logicalId, expectString(evaluate(attribute, scope), name));
    }
    case 'Fn::Sub':
      return substitute(args, scope);
    case 'Fn::ImportValue':
      return scope.importValue(scalarString(evaluate(args, scope), name));
    case 'Fn::Join': {
      const [delimiter, items] = expectArguments(args, name, 2);
      const list = evaluate(items, scope);
      if (!Array.isArray(list)) throw functionError(name, 'the second argument must be a list');
      return list.map((item) => scalarString(item, name)).join(expectString(delimiter, name));
    }
    case 'Fn::Select': {
      const [indexValue, items] = expectArguments(args, name, 2);
      const index = Number(evaluate(indexValue, scope));
      const list = evaluate(items, scope);
      if (!Array.isArray(list)) throw functionError(name, 'the second argument must be a list');
      if (!Number.isInteger(index) || index < 0 || index >= list.length) {
        throw functionError(
          name,
          `index ${String(indexValue)} is out of bounds for a list of ${list.length}`
        );
      }
      return list[index];
    }
    case 'Fn::Split': {
      const [delimiter, source] = expectArguments(args, name, 2);
      return scalarString(evaluate(source, scope), name).split(expectString(delimiter, name));
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = expectArguments(args, name, 3);
      return evaluate(scope.condition(expectString(condition, name)) ? whenTrue : whenFalse, scope);
    }
    case 'Fn::Equals':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not':
      return evaluateCondition({ [name]: args }, scope);
    case 'Fn::FindInMap': {
      const [mapName, topKey, secondKey] = expectArguments(args, name, 3).map((argument) =>
        scalarString(evaluate(argument, scope), name)
      ) as [string, string, string];
      const map = ownMember(scope.mappings, mapName);
      const top = isRecord(map) ? ownMember(map, topKey) : undefined;
      const found = isRecord(top) ? ownMember(top, secondKey) : undefined;
      if (found === undefined) {
        throw validationError(
          `Template error: Unable to get mapping for ${mapName}::${topKey}::${secondKey}`
        );
      }
      return found;
    }
    case 'Fn::Base64':
      return Buffer.from(scalarString(evaluate(args, scope), name)).toString('base64');
    case 'Fn::GetAZs': {
      const region = scalarString(evaluate(args, scope), name) || scope.region;
      return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
    }
    default:
      checkFunctionName(name, 'evaluation');
      throw functionError(name, 'cannot be evaluated here');
  }
}

/** Evaluates a condition expression: Fn::Equals/And/Or/Not and `{ Condition: name }`. */
export function evaluateCondition(expression: unknown, scope: EvaluationScope): boolean {
  if (isRecord(expression) && Object.keys(expression).length === 1 && 'Condition' in expression) {
    return scope.condition(expectString(expression['Condition'], 'Condition'));
  }
  const call = asFunctionCall(expression);
  if (!call) throw validationError('Template error: every Conditions member must be a condition function');
  switch (call.name) {
    case 'Fn::Equals': {
      const [left, right] = expectArguments(call.args, call.name, 2).map((side) => evaluate(side, scope));
      return JSON.stringify(normalizeScalar(left)) === JSON.stringify(normalizeScalar(right));
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const operands = call.args;
      if (!Array.isArray(operands) || operands.length < 2 || operands.length > 10) {
        throw functionError(call.name, 'takes between 2 and 10 conditions');
      }
      const values = operands.map((operand) => evaluateCondition(operand, scope));
      return call.name === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
    }
    case 'Fn::Not': {
      const [operand] = expectArguments(call.args, call.name, 1);
      return !evaluateCondition(operand, scope);
    }
    default:
      throw validationError(`Template error: ${call.name} is not a condition function`);
  }
}

/** Fn::Sub's `${Name}`, `${Resource.Attribute}` and `${!Literal}`, with an optional variable map. */
function substitute(args: unknown, scope: EvaluationScope): string {
  const [template, variables] = (Array.isArray(args) ? args : [args, {}]) as unknown[];
  const text = expectString(template, 'Fn::Sub');
  if (!isRecord(variables)) throw functionError('Fn::Sub', 'the second argument must be a map of variables');
  return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const trimmed = name.trim();
    if (Object.hasOwn(variables, trimmed))
      return scalarString(evaluate(variables[trimmed], scope), 'Fn::Sub');
    const dot = trimmed.indexOf('.');
    const value = dot > 0 ? scope.getAtt(trimmed.slice(0, dot), trimmed.slice(dot + 1)) : scope.ref(trimmed);
    return scalarString(value, 'Fn::Sub');
  });
}

/** Names Fn::Sub's template string refers to (those not in its variable map), for dependency analysis. */
export function substitutionNames(args: unknown): string[] {
  const [template, variables] = (Array.isArray(args) ? args : [args, {}]) as unknown[];
  if (typeof template !== 'string') return [];
  const names: string[] = [];
  for (const match of template.matchAll(/\$\{([^}]*)\}/g)) {
    const name = (match[1] as string).trim();
    if (name.startsWith('!') || (isRecord(variables) && Object.hasOwn(variables, name))) continue;
    names.push(name);
  }
  return names;
}

export function getAttArguments(args: unknown): [string, unknown] {
  if (typeof args === 'string') {
    const dot = args.indexOf('.');
    if (dot > 0) return [args.slice(0, dot), args.slice(dot + 1)];
  }
  if (Array.isArray(args) && args.length === 2 && typeof args[0] === 'string') {
    return [args[0], args[1]];
  }
  throw functionError('Fn::GetAtt', 'takes [LogicalId, AttributeName]');
}

function expectArguments(args: unknown, name: string, count: number): unknown[] {
  if (!Array.isArray(args) || args.length !== count) {
    throw functionError(name, `takes a list of ${count} argument${count === 1 ? '' : 's'}`);
  }
  return args;
}

function expectString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw functionError(name, `expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function scalarString(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw functionError(name, `expected a string, got ${describe(value)}`);
}

function normalizeScalar(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

function describe(value: unknown): string {
  if (value === NO_VALUE) return 'AWS::NoValue';
  return Array.isArray(value) ? 'a list' : JSON.stringify(value);
}

function functionError(name: string, problem: string) {
  return validationError(`Template error: ${name} ${problem}`);
}
