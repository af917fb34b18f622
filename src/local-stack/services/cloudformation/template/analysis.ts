import { templateFormatError, validationError } from '../errors.js';
import { asFunctionCall, checkFunctionName, getAttArguments, substitutionNames } from './intrinsics.js';
import { isRecord } from './parse.js';
import type { Template } from './types.js';

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix'
]);

/** Which resources each resource needs first (Ref, Fn::GetAtt, Fn::Sub and DependsOn). */
export type DependencyGraph = Map<string, Set<string>>;

interface References {
  names: Set<string>;
  /** Fn::GetAtt (and Fn::Sub's ${Resource.Attribute}) targets: logical id → attribute names. */
  attributes: Map<string, Set<string>>;
  conditions: Set<string>;
}

/** Which attributes of which resources the template reads with Fn::GetAtt. */
export type AttributeReferences = Map<string, Set<string>>;

/**
 * Checks what CloudFormation checks before it deploys anything (known functions, resolvable references and
 * conditions, no cycles) and returns the resources' dependency graph and a creation order.
 */
export function analyzeTemplate(template: Template): {
  graph: DependencyGraph;
  order: string[];
  attributes: AttributeReferences;
} {
  const resourceIds = new Set(Object.keys(template.Resources));
  const parameterNames = new Set(Object.keys(template.Parameters));
  const conditionNames = new Set(Object.keys(template.Conditions));

  for (const [name, expression] of Object.entries(template.Conditions)) {
    const references = collectReferences(expression, `/Conditions/${name}`, true);
    const resources = [...references.names].filter(
      (ref) => !parameterNames.has(ref) && !PSEUDO_PARAMETERS.has(ref)
    );
    if (resources.length > 0) {
      throw templateFormatError(
        `Unresolved dependencies [${resources.join(', ')}]. Cannot reference resources in the Conditions block of the template`
      );
    }
    requireConditions(references.conditions, conditionNames, 'Conditions');
  }

  const graph: DependencyGraph = new Map();
  const attributes: AttributeReferences = new Map();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const references = collectReferences(
      resource.Properties ?? {},
      `/Resources/${logicalId}/Properties`,
      false
    );
    if (resource.Condition !== undefined) references.conditions.add(resource.Condition);
    requireConditions(references.conditions, conditionNames, 'Resources');
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    const unresolved = [...references.names, ...dependsOn].filter(
      (name) => !resourceIds.has(name) && !parameterNames.has(name) && !PSEUDO_PARAMETERS.has(name)
    );
    if (unresolved.length > 0) {
      throw templateFormatError(
        `Unresolved resource dependencies [${[...new Set(unresolved)].join(', ')}] in the Resources block of the template`
      );
    }
    requireAttributeTargets(references.attributes, resourceIds);
    mergeAttributes(attributes, references.attributes);
    const needs = new Set(
      [...references.names, ...references.attributes.keys(), ...dependsOn].filter((name) =>
        resourceIds.has(name)
      )
    );
    if (needs.has(logicalId))
      throw templateFormatError(`Circular dependency between resources: [${logicalId}]`);
    graph.set(logicalId, needs);
  }

  for (const [name, output] of Object.entries(template.Outputs)) {
    const references = collectReferences(output, `/Outputs/${name}`, false);
    if (output.Condition !== undefined) references.conditions.add(output.Condition);
    requireConditions(references.conditions, conditionNames, 'Outputs');
    const unresolved = [...references.names].filter(
      (ref) => !resourceIds.has(ref) && !parameterNames.has(ref) && !PSEUDO_PARAMETERS.has(ref)
    );
    if (unresolved.length > 0) {
      throw templateFormatError(
        `Unresolved resource dependencies [${unresolved.join(', ')}] in the Outputs block of the template`
      );
    }
    requireAttributeTargets(references.attributes, resourceIds);
    mergeAttributes(attributes, references.attributes);
  }

  return { graph, order: topologicalOrder(graph), attributes };
}

/** A creation order in which every resource comes after what it needs; cycles are a template error. */
export function topologicalOrder(graph: DependencyGraph): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = trail.slice(trail.indexOf(id));
      throw templateFormatError(`Circular dependency between resources: [${[...cycle].sort().join(', ')}]`);
    }
    state.set(id, 'visiting');
    for (const dependency of [...(graph.get(id) ?? [])].sort()) visit(dependency, [...trail, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of [...graph.keys()].sort()) visit(id, []);
  return order;
}

/** Walks a template fragment: checks function names and records what it references. */
function collectReferences(value: unknown, path: string, inConditions: boolean): References {
  const references: References = { names: new Set(), attributes: new Map(), conditions: new Set() };
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, `${at}/${index}`));
      return;
    }
    if (!isRecord(node)) return;
    if (inConditions && Object.keys(node).length === 1 && typeof node['Condition'] === 'string') {
      references.conditions.add(node['Condition']);
      return;
    }
    const call = asFunctionCall(node);
    if (!call) {
      for (const [key, member] of Object.entries(node)) walk(member, `${at}/${key}`);
      return;
    }
    checkFunctionName(call.name, at);
    if (call.name === 'Ref' && typeof call.args === 'string') references.names.add(call.args);
    if (call.name === 'Fn::GetAtt') {
      const [logicalId, attribute] = getAttArguments(call.args);
      addAttribute(references.attributes, logicalId, attribute);
    }
    if (call.name === 'Fn::If' && Array.isArray(call.args) && typeof call.args[0] === 'string') {
      references.conditions.add(call.args[0]);
    }
    if (call.name === 'Fn::Sub') {
      for (const name of substitutionNames(call.args)) {
        const dot = name.indexOf('.');
        if (dot > 0) addAttribute(references.attributes, name.slice(0, dot), name.slice(dot + 1));
        else references.names.add(name);
      }
    }
    const conditionArguments = ['Fn::And', 'Fn::Or', 'Fn::Not'].includes(call.name);
    const nested = collectReferences(call.args, `${at}/${call.name}`, inConditions || conditionArguments);
    nested.names.forEach((name) => references.names.add(name));
    mergeAttributes(references.attributes, nested.attributes);
    nested.conditions.forEach((name) => references.conditions.add(name));
  };
  walk(value, path);
  return references;
}

function requireConditions(used: Set<string>, declared: Set<string>, block: string): void {
  const missing = [...used].filter((name) => !declared.has(name));
  if (missing.length > 0) {
    throw templateFormatError(
      `Unresolved condition dependencies [${missing.join(', ')}] in the ${block} block of the template`
    );
  }
}

/** Records a GetAtt target; an attribute name computed by another function is only known at deploy time. */
function addAttribute(attributes: AttributeReferences, logicalId: string, attribute: unknown): void {
  const names = attributes.get(logicalId) ?? new Set<string>();
  if (typeof attribute === 'string') names.add(attribute);
  attributes.set(logicalId, names);
}

function mergeAttributes(into: AttributeReferences, from: AttributeReferences): void {
  for (const [logicalId, names] of from) {
    for (const name of names) addAttribute(into, logicalId, name);
    if (names.size === 0) addAttribute(into, logicalId, undefined);
  }
}

function requireAttributeTargets(targets: AttributeReferences, resourceIds: Set<string>): void {
  for (const target of targets.keys()) {
    if (!resourceIds.has(target)) {
      throw validationError(`Template error: instance of Fn::GetAtt references undefined resource ${target}`);
    }
  }
}
