import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
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

/** Parses a JSON or YAML template body into the template's sections, with CloudFormation's errors. */
export function parseTemplate(body: string): Template {
  const raw = body.trimStart().startsWith('{') ? parseJson(body) : parseYaml(body);
  return toTemplate(raw);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw templateFormatError(`JSON not well-formed. (${detail})`);
  }
}

function parseYaml(body: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(body, { prettyErrors: false, lineCounter });
  const [first] = document.errors;
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw templateFormatError(`YAML not well-formed. (line ${line}, column ${col}) ${first.message}`);
  }
  return toPlain(document.contents, document);
}

/** Converts YAML nodes to plain values, turning short-form tags into their long form. */
function toPlain(node: unknown, document: Document): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toPlain(node.resolve(document), document);
  let value: unknown;
  if (isScalar(node)) {
    value = node.value;
  } else if (isMap(node)) {
    const result: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      result[key] = toPlain(pair.value, document);
    }
    value = result;
  } else if (isSeq(node)) {
    value = node.items.map((item) => toPlain(item, document));
  } else {
    throw templateFormatError('YAML not well-formed.');
  }
  return applyTag((node as Node).tag, value);
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
    if (!/^[A-Za-z0-9]+$/.test(logicalId)) {
      throw templateFormatError(`Resource name ${logicalId} is non alphanumeric.`);
    }
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
    if (!isRecord(parameter) || typeof parameter['Type'] !== 'string') {
      throw templateFormatError(`[/Parameters/${name}] Every Parameters object must contain a Type member.`);
    }
  }
  for (const [name, output] of Object.entries(section(raw, 'Outputs'))) {
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

function section(raw: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = raw[name];
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw templateFormatError(`${name} section must be an object.`);
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
