import type { CallerContext } from '../../../wire/invoke.js';
import type { ResourceRecord, StackRecord } from '../model.js';
import { STACK_RESOURCE_TYPE } from '../model.js';
import { deployedValues, identityOf } from '../resource-values.js';
import { ResourceFailure, type ResourceProvider, type ResourceRequest } from '../resources/types.js';
import type { StackExports } from '../exports.js';
import type { StackStore } from '../store.js';
import type { EvaluationScope } from '../template/intrinsics.js';
import { loadTemplate, type LoadedTemplate } from '../template/load.js';
import { createScope } from '../template/scope.js';
import type { ResourceDeclaration } from '../template/types.js';

/** What every stage of a stack operation works with. */
export interface DeploymentContext {
  store: StackStore;
  exports: StackExports;
  providers: Record<string, ResourceProvider>;
}

/** A failure that ends the stack operation; its message becomes the stack's status reason. */
export class StackOperationFailure extends Error {}

/** Moves the stack to `status` and records the stack event, as every operation's first step does too. */
export function setStatus(
  context: DeploymentContext,
  stack: StackRecord,
  status: string,
  reason?: string
): void {
  stack.status = status;
  if (reason === undefined) delete stack.statusReason;
  else stack.statusReason = reason;
  if (status.startsWith('UPDATE_')) stack.lastUpdatedTime = new Date();
  context.store.addEvent(stack, {
    LogicalResourceId: stack.stackName,
    PhysicalResourceId: stack.stackId,
    ResourceType: STACK_RESOURCE_TYPE,
    ResourceStatus: status,
    ...(reason !== undefined && { ResourceStatusReason: reason })
  });
}

/** Stores the resource's new state and records the event for it. */
export function markResource(
  context: DeploymentContext,
  stack: StackRecord,
  record: ResourceRecord,
  reason?: string
): void {
  const updated = { ...record, timestamp: new Date() };
  if (reason === undefined) delete updated.statusReason;
  else updated.statusReason = reason;
  stack.resources[record.logicalId] = updated;
  resourceEvent(context, stack, updated, record.status, reason);
}

export function resourceEvent(
  context: DeploymentContext,
  stack: StackRecord,
  record: ResourceRecord,
  status: string,
  reason?: string,
  properties?: Record<string, unknown>
): void {
  context.store.addEvent(stack, {
    LogicalResourceId: record.logicalId,
    PhysicalResourceId: record.physicalId ?? '',
    ResourceType: record.type,
    ResourceStatus: status,
    ...(reason !== undefined && { ResourceStatusReason: reason }),
    ...(properties !== undefined && { ResourceProperties: JSON.stringify(properties) })
  });
}

export function providerFor(context: DeploymentContext, type: string): ResourceProvider {
  const provider = context.providers[type];
  if (!provider) throw new ResourceFailure(`Resource type ${type} is not supported by the local stack.`);
  return provider;
}

export function resourceRequest(
  stack: StackRecord,
  logicalId: string,
  type: string,
  properties: Record<string, unknown>,
  caller: CallerContext,
  signal: AbortSignal
): ResourceRequest {
  return {
    logicalId,
    type,
    properties,
    stackName: stack.stackName,
    stackId: stack.stackId,
    caller,
    signal
  };
}

/** The scope of the stack's template; each export Fn::ImportValue reads is added to `imported`. */
export function scopeFor(
  context: DeploymentContext,
  stack: StackRecord,
  loaded: LoadedTemplate,
  imported?: Set<string>
): EvaluationScope {
  return createScope(
    loaded.template,
    stack.parameters,
    identityOf(stack, context.exports, imported),
    deployedValues(stack, loaded.template)
  );
}

/**
 * The outputs a create or update ends with, unless they break a cross-stack reference (an export name
 * taken, an imported export changed or removed): then the operation fails and rolls back.
 */
export function completeOutputs(
  context: DeploymentContext,
  stack: StackRecord,
  outputs: StackRecord['outputs'],
  imported: Set<string>
): void {
  const conflict = context.exports.conflict(stack, outputs);
  if (conflict !== undefined) throw new StackOperationFailure(conflict);
  stack.outputs = outputs;
  stack.imports = [...imported].sort();
}

/** The record with the policies the template now declares for it. */
export function withPolicies(record: ResourceRecord, declaration: ResourceDeclaration): ResourceRecord {
  const updated = { ...record };
  delete updated.deletionPolicy;
  delete updated.updateReplacePolicy;
  return {
    ...updated,
    ...(declaration.DeletionPolicy !== undefined && { deletionPolicy: declaration.DeletionPolicy }),
    ...(declaration.UpdateReplacePolicy !== undefined && {
      updateReplacePolicy: declaration.UpdateReplacePolicy
    })
  };
}

/** Creation order of the stack's current template; a stack whose template no longer loads deletes in any order. */
export function safeOrder(stack: StackRecord): string[] {
  try {
    return loadTemplate(stack.templateBody).order;
  } catch {
    return Object.keys(stack.resources);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
