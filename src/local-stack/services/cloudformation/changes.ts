import { changedProperties, evaluateProperties, sameValue } from './properties.js';
import { validationError } from './errors.js';
import type { Change, ChangeDetail, StackConfiguration, StackRecord } from './model.js';
import type { ResourceProvider } from './resources/types.js';
import { asFunctionCall, substitutionNames } from './template/intrinsics.js';
import type { LoadedTemplate } from './template/load.js';
import { evaluateOutputs } from './template/outputs.js';
import { isRecord, parseTemplate } from './template/parse.js';
import { activeResourceIds, createScope, type ResourceValues, type StackIdentity } from './template/scope.js';

export interface ChangeSetInput {
  /** The stack as deployed; undefined (or in REVIEW_IN_PROGRESS) when the change set creates it. */
  stack: StackRecord | undefined;
  loaded: LoadedTemplate;
  target: StackConfiguration;
  identity: StackIdentity;
  providers: Record<string, ResourceProvider>;
}

export interface ComputedChanges {
  changes: Change[];
  /** True when deploying would change nothing: no resource changes, same outputs and tags. */
  empty: boolean;
}

/** What CloudFormation shows for a value it only knows once the change set runs. */
const unknownValue = (entity: string) => `{{changeSet:KNOWN_AFTER_APPLY:${entity}}}`;
const UNKNOWN_VALUE = /\{\{changeSet:KNOWN_AFTER_APPLY:([^}]+)\}\}/g;

/**
 * The resource changes a change set describes, computed as CloudFormation computes them: Add, Remove, and
 * Modify with the properties that change, whether each change is static or only known at deploy time
 * (a reference to a resource being replaced), and whether it replaces the resource.
 */
export function computeChanges(input: ChangeSetInput): ComputedChanges {
  const { stack, loaded, target, identity } = input;
  const template = loaded.template;
  const isCreate = stack === undefined || stack.status === 'REVIEW_IN_PROGRESS';
  const records = isCreate ? {} : stack.resources;
  const volatile = new Set<string>();

  const staticValues: ResourceValues = {
    ref: (id) => records[id]?.physicalId ?? unknownValue(id),
    getAtt(id, attribute) {
      const record = records[id];
      if (!record) return unknownValue(`${id}.${attribute}`);
      const value = record.attributes[attribute];
      if (value === undefined) {
        throw validationError(
          `Template error: resource ${id} does not support attribute type ${attribute} in Fn::GetAtt`
        );
      }
      return value;
    }
  };
  const dynamicValues: ResourceValues = {
    ref: (id) => (volatile.has(id) ? unknownValue(id) : staticValues.ref(id)),
    getAtt: (id, attribute) =>
      volatile.has(id) ? unknownValue(`${id}.${attribute}`) : staticValues.getAtt(id, attribute)
  };
  const staticScope = createScope(template, target.parameters, identity, staticValues);
  const dynamicScope = createScope(template, target.parameters, identity, dynamicValues);
  const active = activeResourceIds(template, staticScope);
  const previousTemplate = isCreate ? undefined : parseTemplate(stack.templateBody);

  const changes: Change[] = [];
  for (const logicalId of loaded.order.filter((id) => active.has(id))) {
    const declaration = template.Resources[logicalId]!;
    const record = records[logicalId];
    if (!record) {
      volatile.add(logicalId);
      changes.push(resourceChange('Add', logicalId, declaration.Type));
      continue;
    }
    if (record.type !== declaration.Type) {
      const change = resourceChange('Modify', logicalId, declaration.Type, record.physicalId);
      change.ResourceChange.Replacement = 'True';
      changes.push(change);
      volatile.add(logicalId);
      continue;
    }
    const staticProperties = evaluateProperties(declaration.Properties, staticScope);
    const dynamicProperties = evaluateProperties(declaration.Properties, dynamicScope);
    const provider = input.providers[declaration.Type];
    const details: ChangeDetail[] = [];
    const changedNames = new Set([
      ...changedProperties(record.properties, staticProperties),
      ...changedProperties(staticProperties, dynamicProperties)
    ]);
    for (const name of [...changedNames].sort()) {
      const requiresRecreation = provider?.requiresReplacement(name) ? 'Always' : 'Never';
      const targetDefinition = {
        Attribute: 'Properties' as const,
        Name: name,
        RequiresRecreation: requiresRecreation
      } as const;
      const editedInTemplate = !sameValue(
        previousTemplate?.Resources[logicalId]?.Properties?.[name],
        declaration.Properties?.[name]
      );
      const causes = [...JSON.stringify(dynamicProperties[name] ?? null).matchAll(UNKNOWN_VALUE)].map(
        (match) => match[1]!
      );
      for (const cause of new Set(causes)) {
        details.push({
          Target: targetDefinition,
          Evaluation: 'Dynamic',
          ChangeSource: cause.includes('.') ? 'ResourceAttribute' : 'ResourceReference',
          CausingEntity: cause
        });
      }
      if (editedInTemplate) {
        details.push({ Target: targetDefinition, Evaluation: 'Static', ChangeSource: 'DirectModification' });
      } else if (causes.length === 0) {
        const parameters = referencedParameters(declaration.Properties?.[name]).filter(
          (parameter) => stack?.parameters[parameter] !== target.parameters[parameter]
        );
        for (const parameter of parameters.length > 0 ? parameters : [undefined]) {
          details.push({
            Target: targetDefinition,
            Evaluation: 'Static',
            ChangeSource: 'ParameterReference',
            ...(parameter !== undefined && { CausingEntity: parameter })
          });
        }
      }
    }
    if (details.length === 0) continue;
    const recreated = (evaluation: string) =>
      details.some(
        (detail) => detail.Evaluation === evaluation && detail.Target.RequiresRecreation === 'Always'
      );
    const replacement = recreated('Static') ? 'True' : recreated('Dynamic') ? 'Conditional' : 'False';
    if (replacement !== 'False') volatile.add(logicalId);
    const change = resourceChange('Modify', logicalId, declaration.Type, record.physicalId);
    change.ResourceChange.Replacement = replacement;
    change.ResourceChange.Scope = ['Properties'];
    change.ResourceChange.Details = details;
    if (replacement === 'True') {
      change.ResourceChange.PolicyAction =
        declaration.UpdateReplacePolicy === 'Retain' ? 'ReplaceAndRetain' : 'ReplaceAndDelete';
    }
    changes.push(change);
  }
  for (const [logicalId, record] of Object.entries(records)) {
    if (active.has(logicalId)) continue;
    const change = resourceChange('Remove', logicalId, record.type, record.physicalId);
    const retained = record.deletionPolicy === 'Retain' || record.deletionPolicy === 'RetainExceptOnCreate';
    change.ResourceChange.PolicyAction = retained ? 'Retain' : 'Delete';
    changes.push(change);
  }

  const empty =
    !isCreate &&
    changes.length === 0 &&
    sameValue(evaluateOutputs(template, staticScope), stack.outputs) &&
    sameValue(target.tags, stack.tags);
  return { changes, empty };
}

function resourceChange(
  action: Change['ResourceChange']['Action'],
  logicalId: string,
  type: string,
  physicalId?: string
): Change {
  return {
    Type: 'Resource',
    ResourceChange: {
      Action: action,
      LogicalResourceId: logicalId,
      ...(physicalId !== undefined && { PhysicalResourceId: physicalId }),
      ResourceType: type,
      Scope: [],
      Details: []
    }
  };
}

/** Names a template fragment refers to through Ref or Fn::Sub (parameters among them). */
function referencedParameters(fragment: unknown): string[] {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isRecord(node)) return;
    const call = asFunctionCall(node);
    if (call?.name === 'Ref' && typeof call.args === 'string') names.add(call.args);
    if (call?.name === 'Fn::Sub') substitutionNames(call.args).forEach((name) => names.add(name));
    Object.values(node).forEach(walk);
  };
  walk(fragment);
  return [...names];
}
