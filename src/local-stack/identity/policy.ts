import { AwsServiceError } from '../wire/errors.js';
import { wireText } from '../wire/types.js';

/** One statement of a policy document, its single-or-list members normalized to lists. */
export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  /** Trust policies: `{ AWS: [...], Federated: [...], Service: [...] }`, or `'*'`. */
  principal?: Record<string, string[]> | '*';
  /** `{ StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:o/r:*'] } }` */
  condition: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  statements: PolicyStatement[];
}

/** Identity policies name resources and never principals; trust (resource) policies name principals. */
export type PolicyKind = 'identity' | 'trust';

const CONDITION_OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Bool',
  'Null'
]);

const malformed = (message: string) => new AwsServiceError('MalformedPolicyDocument', message);

/** Parses and checks a policy document as IAM does, answering MalformedPolicyDocument with IAM's wording. */
export function parsePolicyDocument(text: string, kind: PolicyKind): PolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformed('Syntax errors in policy.');
  }
  if (!isRecord(parsed)) throw malformed('Syntax errors in policy.');
  const version = parsed['Version'];
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
    throw malformed('The policy failed legacy parsing');
  }
  const raw = parsed['Statement'];
  if (raw === undefined) throw malformed('Missing required field Statement');
  const statements = (Array.isArray(raw) ? raw : [raw]).map((statement) => parseStatement(statement, kind));
  return { statements };
}

function parseStatement(value: unknown, kind: PolicyKind): PolicyStatement {
  if (!isRecord(value)) throw malformed('Syntax errors in policy.');
  const effect = value['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw malformed(
      effect === undefined ? 'Missing required field Effect' : `Invalid effect: ${wireText(effect)}`
    );
  }
  const action = stringList(value, 'Action');
  const notAction = stringList(value, 'NotAction');
  if (!action && !notAction) throw malformed('Policy statement must contain actions.');
  for (const name of [...(action ?? []), ...(notAction ?? [])]) {
    if (name !== '*' && !/^[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+$/.test(name)) {
      throw malformed(
        `Action ${name} is not of the form <service>:<action>, e.g. cloudformation:UpdateStack.`
      );
    }
  }
  const resource = stringList(value, 'Resource');
  const notResource = stringList(value, 'NotResource');
  if (kind === 'identity') {
    if (value['Principal'] !== undefined || value['NotPrincipal'] !== undefined) {
      throw malformed('Policy document should not specify a principal.');
    }
    if (!resource && !notResource) throw malformed('Policy statement must contain resources.');
  }
  let principal: PolicyStatement['principal'];
  if (kind === 'trust') {
    const rawPrincipal = value['Principal'];
    if (rawPrincipal === undefined) throw malformed('Missing required field Principal');
    principal = parsePrincipal(rawPrincipal);
  }
  const sid = value['Sid'];
  return {
    ...(typeof sid === 'string' && { sid }),
    effect,
    ...(action && { action }),
    ...(notAction && { notAction }),
    ...(resource && { resource }),
    ...(notResource && { notResource }),
    ...(principal !== undefined && { principal }),
    condition: parseCondition(value['Condition'])
  };
}

function parsePrincipal(value: unknown): PolicyStatement['principal'] {
  if (value === '*') return '*';
  if (!isRecord(value)) throw malformed('Invalid principal in policy');
  const result: Record<string, string[]> = {};
  for (const [type, members] of Object.entries(value)) {
    if (!['AWS', 'Federated', 'Service', 'CanonicalUser'].includes(type)) {
      throw malformed(`Invalid principal in policy: "${type}"`);
    }
    const list = Array.isArray(members) ? members : [members];
    if (!list.every((member) => typeof member === 'string')) throw malformed('Invalid principal in policy');
    result[type] = list;
  }
  return result;
}

function parseCondition(value: unknown): PolicyStatement['condition'] {
  if (value === undefined) return {};
  if (!isRecord(value)) throw malformed('Syntax errors in policy.');
  const result: PolicyStatement['condition'] = {};
  for (const [operator, keys] of Object.entries(value)) {
    if (!CONDITION_OPERATORS.has(operator.replace(/IfExists$/, ''))) {
      throw malformed(`Invalid Condition type : ${operator}.`);
    }
    if (!isRecord(keys)) throw malformed('Syntax errors in policy.');
    result[operator] = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = Array.isArray(values) ? values : [values];
      if (!list.every((item) => ['string', 'boolean', 'number'].includes(typeof item))) {
        throw malformed(`Condition ${operator} on ${key} takes strings.`);
      }
      result[operator][key] = list.map(String);
    }
  }
  return result;
}

function stringList(record: Record<string, unknown>, name: string): string[] | undefined {
  const value = record[name];
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === 'string')) {
    throw malformed(`${name} must be a string or a non-empty list of strings.`);
  }
  return list;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The request a policy is evaluated against. Context keys are compared case-insensitively, as IAM does. */
export interface PolicyRequest {
  action: string;
  resource: string;
  context: Record<string, string[]>;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** IAM's evaluation within one set of policies: an explicit Deny wins, then any Allow, else implicit deny. */
export function evaluatePolicies(documents: readonly PolicyDocument[], request: PolicyRequest): Decision {
  let allowed = false;
  for (const statement of documents.flatMap((document) => document.statements)) {
    if (!statementApplies(statement, request)) continue;
    if (statement.effect === 'Deny') return 'ExplicitDeny';
    allowed = true;
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

function statementApplies(statement: PolicyStatement, request: PolicyRequest): boolean {
  const actionMatches = (patterns: string[]) =>
    patterns.some((pattern) => wildcardMatch(pattern, request.action, true));
  if (statement.action && !actionMatches(statement.action)) return false;
  if (statement.notAction && actionMatches(statement.notAction)) return false;
  const resourceMatches = (patterns: string[]) =>
    patterns.some((pattern) => wildcardMatch(pattern, request.resource, false));
  if (statement.resource && !resourceMatches(statement.resource)) return false;
  if (statement.notResource && resourceMatches(statement.notResource)) return false;
  return conditionsHold(statement.condition, request.context);
}

/** Every condition operator, and every key under it, must hold (AND); a key's values are ORed. */
export function conditionsHold(
  condition: PolicyStatement['condition'],
  context: Record<string, string[]>
): boolean {
  const lowered = new Map(Object.entries(context).map(([key, values]) => [key.toLowerCase(), values]));
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) =>
      conditionHolds(operator, lowered.get(key.toLowerCase()), expected)
    )
  );
}

function conditionHolds(operator: string, actual: string[] | undefined, expected: string[]): boolean {
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  if (base === 'Null') return expected.some((value) => (value === 'true') === (actual === undefined));
  const negated = base.includes('Not');
  if (actual === undefined || actual.length === 0) return ifExists || negated;
  const compare = comparator(base.replace('Not', ''));
  const anyMatch = actual.some((value) => expected.some((pattern) => compare(pattern, value)));
  return negated ? !anyMatch : anyMatch;
}

function comparator(operator: string): (pattern: string, value: string) => boolean {
  switch (operator) {
    case 'StringLike':
    case 'ArnLike':
      return (pattern, value) => wildcardMatch(pattern, value, false);
    case 'StringEqualsIgnoreCase':
      return (pattern, value) => pattern.toLowerCase() === value.toLowerCase();
    case 'Bool':
      return (pattern, value) => pattern.toLowerCase() === value.toLowerCase();
    default:
      return (pattern, value) => pattern === value;
  }
}

/** IAM's wildcards: `*` any run of characters, `?` one character. Actions compare case-insensitively. */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((character) => {
      if (character === '*') return '.*';
      if (character === '?') return '.';
      return character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}
