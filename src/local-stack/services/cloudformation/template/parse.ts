import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  visit,
  type Alias,
  type CST,
  type Document,
  type Node
} from 'yaml';
import { templateFormatError } from '../errors.js';
import type { Template } from './types.js';

/** The YAML short forms CloudFormation defines; `!Name x` means `{ "Fn::Name": x }` (or Ref, Condition). */
const SHORT_FORMS = new Set([
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'If',
  'Equals',
  'And',
  'Or',
  'Not',
  'FindInMap',
  'Base64',
  'GetAZs',
  'ImportValue',
  'Cidr'
]);

const SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs'
]);

const POLICIES: Record<string, string[]> = {
  DeletionPolicy: ['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'],
  UpdateReplacePolicy: ['Delete', 'Retain', 'Snapshot']
};

/**
 * How far any template may nest and how many values it may hold once YAML aliases are expanded. A template
 * within CloudFormation's 51,200 bytes holds at most ~26,000 values and real ones nest a dozen levels; the
 * bounds refuse alias bombs (a few hundred bytes that expand to billions of values) and nesting deep enough
 * to exhaust the parser's stack, while leaving room for aliases a template legitimately repeats.
 */
const TEMPLATE_LIMITS = { depth: 100, values: 100_000 };
const TOO_DEEP = `The template nests deeper than ${TEMPLATE_LIMITS.depth} levels.`;

/** Parses a JSON or YAML template body into the template's sections, with CloudFormation's errors. */
export function parseTemplate(body: string): Template {
  const raw = body.trimStart().startsWith('{') ? parseJson(body) : parseYaml(body);
  return toTemplate(raw);
}

function parseJson(body: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw templateFormatError(`JSON not well-formed. (${detail})`);
  }
  checkJsonDepth(value, 0);
  return value;
}

/** JSON.parse has no depth limit, but everything that walks the template afterwards recurses. */
function checkJsonDepth(value: unknown, depth: number): void {
  if (depth > TEMPLATE_LIMITS.depth) throw templateFormatError(TOO_DEEP);
  if (value === null || typeof value !== 'object') return;
  for (const member of Object.values(value)) checkJsonDepth(member, depth + 1);
}

function parseYaml(body: string): unknown {
  const lineCounter = new LineCounter();
  const notWellFormed = (offset: number, problem: string) => {
    const { line, col } = lineCounter.linePos(offset);
    return templateFormatError(`YAML not well-formed. (line ${line}, column ${col}) ${problem}`);
  };
  // The syntax tree is built without recursion; the composer that turns it into nodes recurses once per
  // level (and a deep enough document crashes the process, not just the request), so depth is checked first.
  const tokens = [...new Parser(lineCounter.addNewLine).parse(body)];
  const tooDeep = firstTokenTooDeep(tokens);
  if (tooDeep) throw notWellFormed(tooDeep.offset, TOO_DEEP);

  let document: Document.Parsed | undefined;
  for (const composed of new Composer().compose(tokens, true, body.length)) {
    if (document) throw notWellFormed(composed.range[0], 'A template is a single YAML document.');
    document = composed;
  }
  const [first] = document?.errors ?? [];
  if (first) throw notWellFormed(first.pos[0], first.message);
  if (!document) return null;
  return new YamlExpansion(document, notWellFormed).toPlain(document.contents, 0);
}

/** The first syntax-tree token nested deeper than the template limit, found without recursion. */
function firstTokenTooDeep(tokens: CST.Token[]): CST.Token | undefined {
  const pending: [CST.Token | undefined, number][] = tokens.map((token) => [token, 0]);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [token, depth] = next;
    if (!token) continue;
    if (depth > TEMPLATE_LIMITS.depth) return token;
    if (token.type === 'document') pending.push([token.value, depth]);
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      for (const item of token.items) {
        if ('key' in item) pending.push([item.key ?? undefined, depth + 1]);
        pending.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * Converts YAML nodes to plain values, turning short-form tags into their long form. Aliases are expanded
 * here, under the template's bounds: every value an alias produces counts, and an alias inside the node it
 * names is refused rather than followed forever.
 */
class YamlExpansion {
  /** Each alias's anchored node: the last one of its name before it, resolved in one pass. */
  private readonly anchored = new Map<Alias, Node>();
  private readonly expanding = new Set<Node>();
  private values = 0;

  constructor(
    document: Document.Parsed,
    private readonly notWellFormed: (offset: number, problem: string) => Error
  ) {
    const latest = new Map<string, Node>();
    visit(document, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          const target = latest.get(node.source);
          if (target) this.anchored.set(node, target);
        } else if (node.anchor !== undefined) {
          latest.set(node.anchor, node);
        }
      }
    });
  }

  toPlain(node: unknown, depth: number): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.expandAlias(node, depth);
    this.values += 1;
    if (this.values > TEMPLATE_LIMITS.values) {
      throw this.notWellFormed(
        offsetOf(node),
        `YAML aliases expand the template to more than ${TEMPLATE_LIMITS.values} values; repeat less through aliases.`
      );
    }
    if (depth > TEMPLATE_LIMITS.depth) throw this.notWellFormed(offsetOf(node), TOO_DEEP);
    let value: unknown;
    if (isScalar(node)) {
      value = node.value;
    } else if (isMap(node)) {
      // fromEntries defines members, so a key such as __proto__ stays an ordinary (and refusable) member.
      value = Object.fromEntries(
        node.items.map((pair) => [this.keyOf(pair.key), this.toPlain(pair.value, depth + 1)])
      );
    } else if (isSeq(node)) {
      value = node.items.map((item) => this.toPlain(item, depth + 1));
    } else {
      throw templateFormatError('YAML not well-formed.');
    }
    return applyTag((node as Node).tag, value);
  }

  private expandAlias(alias: Alias, depth: number): unknown {
    const target = this.anchored.get(alias);
    if (!target) throw this.notWellFormed(offsetOf(alias), `Unresolved alias *${alias.source}.`);
    if (this.expanding.has(target)) {
      throw this.notWellFormed(offsetOf(alias), `Alias *${alias.source} refers to a node that contains it.`);
    }
    this.expanding.add(target);
    try {
      return this.toPlain(target, depth);
    } finally {
      this.expanding.delete(target);
    }
  }

  /** Template keys are names: scalars, or aliases of scalars. */
  private keyOf(key: unknown): string {
    const node = isAlias(key) ? this.anchored.get(key) : key;
    if (isScalar(node)) return String(node.value);
    throw this.notWellFormed(offsetOf(key), 'Mapping keys must be plain names, not collections.');
  }
}

function offsetOf(node: unknown): number {
  return (node as Partial<Node>).range?.[0] ?? 0;
}

function applyTag(tag: string | undefined, value: unknown): unknown {
  if (tag === undefined || !tag.startsWith('!') || tag.startsWith('!!')) return value;
  const name = tag.slice(1);
  if (!SHORT_FORMS.has(name)) throw templateFormatError(`Unrecognized tag ${tag}.`);
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

function toTemplate(raw: unknown): Template {
  if (!isRecord(raw)) throw templateFormatError('template must be a JSON object or a YAML mapping.');
  const unknown = Object.keys(raw).filter((key) => !SECTIONS.has(key));
  if (unknown.length > 0)
    throw templateFormatError(`Invalid template property or properties [${unknown.join(', ')}]`);
  if (raw['Transform'] !== undefined) {
    throw templateFormatError('Transform is not supported by the local stack.');
  }
  const resources = section(raw, 'Resources');
  if (Object.keys(resources).length === 0)
    throw templateFormatError('At least one Resources member must be defined.');
  for (const [logicalId, resource] of Object.entries(resources)) {
    checkLogicalId('Resource', logicalId);
    if (!isRecord(resource) || typeof resource['Type'] !== 'string') {
      throw templateFormatError(
        `[/Resources/${logicalId}] Every Resources object must contain a Type member.`
      );
    }
    for (const [attribute, allowed] of Object.entries(POLICIES)) {
      const policy = resource[attribute];
      if (policy !== undefined && !allowed.includes(policy as string)) {
        throw templateFormatError(
          `[/Resources/${logicalId}/${attribute}] ${JSON.stringify(policy)} is not one of [${allowed.join(', ')}]`
        );
      }
    }
    if (resource['Properties'] !== undefined && !isRecord(resource['Properties'])) {
      throw templateFormatError(`[/Resources/${logicalId}/Properties] Properties must be an object.`);
    }
  }
  for (const [name, parameter] of Object.entries(section(raw, 'Parameters'))) {
    checkLogicalId('Parameter', name);
    if (!isRecord(parameter) || typeof parameter['Type'] !== 'string') {
      throw templateFormatError(`[/Parameters/${name}] Every Parameters object must contain a Type member.`);
    }
  }
  for (const [name, output] of Object.entries(section(raw, 'Outputs'))) {
    checkLogicalId('Output', name);
    if (!isRecord(output) || output['Value'] === undefined) {
      throw templateFormatError(`[/Outputs/${name}] Every Outputs member must contain a Value object.`);
    }
  }
  const description = raw['Description'];
  if (description !== undefined && typeof description !== 'string') {
    throw templateFormatError('Description must be a string.');
  }
  return {
    ...(typeof raw['AWSTemplateFormatVersion'] === 'string' && {
      AWSTemplateFormatVersion: raw['AWSTemplateFormatVersion']
    }),
    ...(description !== undefined && { Description: description }),
    Parameters: section(raw, 'Parameters') as Template['Parameters'],
    Mappings: section(raw, 'Mappings') as Template['Mappings'],
    Conditions: section(raw, 'Conditions'),
    Resources: resources as Template['Resources'],
    Outputs: section(raw, 'Outputs') as Template['Outputs']
  };
}

/** Logical ids are alphanumeric, which also keeps names such as __proto__ out of every lookup by name. */
function checkLogicalId(kind: 'Resource' | 'Parameter' | 'Output', name: string): void {
  if (!/^[A-Za-z0-9]+$/.test(name)) throw templateFormatError(`${kind} name ${name} is non alphanumeric.`);
}

function section(raw: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = raw[name];
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw templateFormatError(`${name} section must be an object.`);
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
