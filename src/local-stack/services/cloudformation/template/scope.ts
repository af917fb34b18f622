import { validationError } from '../errors.js';
import { evaluateCondition, type EvaluationScope } from './intrinsics.js';
import { parameterRefValue } from './parameters.js';
import type { Template } from './types.js';

/** The stack an evaluation happens in: what the pseudo parameters resolve to. */
export interface StackIdentity {
  stackName: string;
  stackId: string;
  region: string;
  accountId: string;
  notificationARNs: string[];
  /** Fn::ImportValue: the value another stack of the region and account exports under the name. */
  importValue(name: string): string;
}

/** How resources' Ref and Fn::GetAtt values are found (deployed records, or change set placeholders). */
export interface ResourceValues {
  ref(logicalId: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
}

/** A scope over one template, its parameter values and the stack; conditions are evaluated once each. */
export function createScope(
  template: Template,
  parameters: Record<string, string>,
  identity: StackIdentity,
  resources: ResourceValues
): EvaluationScope {
  const conditions = new Map<string, boolean>();
  const evaluating = new Set<string>();
  const pseudo: Record<string, unknown> = {
    'AWS::AccountId': identity.accountId,
    'AWS::NotificationARNs': identity.notificationARNs,
    'AWS::Partition': 'aws',
    'AWS::Region': identity.region,
    'AWS::StackId': identity.stackId,
    'AWS::StackName': identity.stackName,
    'AWS::URLSuffix': 'amazonaws.com'
  };
  const scope: EvaluationScope = {
    mappings: template.Mappings,
    region: identity.region,
    ref(name) {
      if (Object.hasOwn(pseudo, name)) return pseudo[name];
      if (Object.hasOwn(template.Parameters, name)) {
        return parameterRefValue(template.Parameters[name]!, parameters[name] ?? '');
      }
      return resources.ref(name);
    },
    getAtt: (logicalId, attribute) => resources.getAtt(logicalId, attribute),
    importValue: (name) => identity.importValue(name),
    condition(name) {
      const known = conditions.get(name);
      if (known !== undefined) return known;
      if (!Object.hasOwn(template.Conditions, name)) {
        throw validationError(`Template error: unresolved condition dependency ${name}`);
      }
      if (evaluating.has(name)) {
        throw validationError(`Template error: circular condition dependency involving ${name}`);
      }
      evaluating.add(name);
      const value = evaluateCondition(template.Conditions[name], scope);
      evaluating.delete(name);
      conditions.set(name, value);
      return value;
    }
  };
  return scope;
}

/** The resources whose Condition holds (or that have none): the ones the stack provisions. */
export function activeResourceIds(template: Template, scope: EvaluationScope): Set<string> {
  return new Set(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Condition === undefined || scope.condition(resource.Condition))
      .map(([logicalId]) => logicalId)
  );
}
