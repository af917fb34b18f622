import type { CallerContext } from '../../../wire/invoke.js';
import { wireText } from '../../../wire/types.js';
import type { ResourceRecord, StackConfiguration, StackRecord } from '../model.js';
import { changedProperties, evaluateProperties } from '../properties.js';
import { ResourceFailure, type ResourceProvider } from '../resources/types.js';
import type { EvaluationScope } from '../template/intrinsics.js';
import { loadTemplate, type LoadedTemplate } from '../template/load.js';
import { evaluateOutputs } from '../template/outputs.js';
import { activeResourceIds } from '../template/scope.js';
import { applyConfiguration, configurationOf } from './configuration.js';
import { createResource, provision } from './create.js';
import { deleteRecords, deleteResources, retainedOnDelete } from './delete.js';
import { rollBackUpdate } from './rollback.js';
import {
  markResource,
  messageOf,
  providerFor,
  resourceEvent,
  resourceRequest,
  completeOutputs,
  scopeFor,
  setStatus,
  StackOperationFailure,
  withPolicies,
  type DeploymentContext
} from './steps.js';

/**
 * UpdateStack (or an UPDATE change set): resources in dependency order, updated in place or replaced,
 * then the cleanup of what the update replaced or removed. A failure or `cancellation` rolls back to the
 * stack as it was, unless `disableRollback`.
 */
export async function updateStack(
  context: DeploymentContext,
  stack: StackRecord,
  loaded: LoadedTemplate,
  target: StackConfiguration,
  caller: CallerContext,
  disableRollback: boolean,
  cancellation: AbortSignal
): Promise<void> {
  // Saved with the stack, so a rollback can also be continued after a restart.
  stack.rollbackTarget = {
    configuration: configurationOf(stack),
    outputs: stack.outputs,
    resources: { ...stack.resources }
  };
  applyConfiguration(stack, target);
  try {
    const imported = new Set<string>();
    const scope = scopeFor(context, stack, loaded, imported);
    const active = activeResourceIds(loaded.template, scope);
    for (const logicalId of loaded.order.filter((id) => active.has(id))) {
      await updateResource(context, stack, loaded, scope, logicalId, caller, cancellation);
    }
    if (cancellation.aborted) throw new StackOperationFailure('Stack update cancelled');
    completeOutputs(context, stack, evaluateOutputs(loaded.template, scope), imported);
    setStatus(context, stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    await cleanUpUpdate(context, stack, caller);
  } catch (error) {
    const reason = cancellation.aborted
      ? 'Stack update cancelled'
      : error instanceof StackOperationFailure
        ? error.message
        : messageOf(error);
    if (disableRollback) {
      setStatus(context, stack, 'UPDATE_FAILED', reason);
      return;
    }
    setStatus(context, stack, 'UPDATE_ROLLBACK_IN_PROGRESS', reason);
    await rollBackUpdate(context, stack, loaded.order, caller, new Set());
  }
}

/**
 * The cleanup phase of an update (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS): deletes the physical resources
 * the update replaced or removed from the template, then completes the update. It reads only what is
 * saved (the stack and its rollback target), so a restart in the middle of it runs it again.
 */
export async function cleanUpUpdate(
  context: DeploymentContext,
  stack: StackRecord,
  caller: CallerContext
): Promise<void> {
  const previous = stack.rollbackTarget!;
  const loaded = loadTemplate(stack.templateBody);
  const previousOrder = loadTemplate(previous.configuration.templateBody).order;
  const active = activeResourceIds(loaded.template, scopeFor(context, stack, loaded));
  // Old physical resources go in reverse dependency order, dependents first, as CloudFormation deletes.
  const replaced = [...loaded.order]
    .reverse()
    .map((id) => previous.resources[id])
    .filter(
      (before): before is ResourceRecord =>
        before !== undefined && before.physicalId !== stack.resources[before.logicalId]?.physicalId
    );
  const removed = [...previousOrder]
    .reverse()
    .filter((id) => previous.resources[id] !== undefined && !active.has(id));
  await deleteRecords(
    context,
    stack,
    replaced,
    caller,
    (record) => loaded.template.Resources[record.logicalId]?.UpdateReplacePolicy === 'Retain'
  );
  await deleteResources(context, stack, removed, caller, retainedOnDelete);
  for (const id of removed) delete stack.resources[id];
  for (const id of active) {
    stack.resources[id] = withPolicies(stack.resources[id]!, loaded.template.Resources[id]!);
  }
  delete stack.rollbackTarget;
  setStatus(context, stack, 'UPDATE_COMPLETE');
}

async function updateResource(
  context: DeploymentContext,
  stack: StackRecord,
  loaded: LoadedTemplate,
  scope: EvaluationScope,
  logicalId: string,
  caller: CallerContext,
  signal: AbortSignal
): Promise<void> {
  const existing = stack.resources[logicalId];
  const declaration = loaded.template.Resources[logicalId]!;
  if (!existing) {
    await createResource(context, stack, loaded, scope, logicalId, caller, signal, 'update');
    return;
  }
  let properties: Record<string, unknown> = {};
  let replace = false;
  let provider: ResourceProvider;
  try {
    properties = evaluateProperties(declaration.Properties, scope);
    if (existing.type !== declaration.Type) {
      throw new ResourceFailure(
        `Update of resource type is not permitted. The new template modifies resource type of resource ${logicalId}.`
      );
    }
    const changed = changedProperties(existing.properties, properties);
    if (changed.length === 0) return;
    provider = providerFor(context, existing.type);
    replace = changed.some((name) => provider.requiresReplacement(name));
    const name = provider.nameProperty === undefined ? undefined : properties[provider.nameProperty];
    if (replace && name !== undefined && name === existing.properties[provider.nameProperty!]) {
      throw new ResourceFailure(
        `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${wireText(name)} and update the stack again.`
      );
    }
  } catch (error) {
    markResource(context, stack, { ...existing, status: 'UPDATE_FAILED' }, messageOf(error));
    throw new StackOperationFailure(`The following resource(s) failed to update: [${logicalId}]. `);
  }
  const record: ResourceRecord = {
    ...existing,
    status: 'UPDATE_IN_PROGRESS',
    timestamp: new Date(),
    properties
  };
  stack.resources[logicalId] = record;
  try {
    if (signal.aborted) throw new ResourceFailure(String(signal.reason));
    if (replace) {
      resourceEvent(
        context,
        stack,
        record,
        'UPDATE_IN_PROGRESS',
        'Requested update requires the creation of a new physical resource; hence creating one.',
        properties
      );
      delete record.physicalId;
      await provision(context, stack, record, caller, signal);
    } else {
      resourceEvent(context, stack, record, 'UPDATE_IN_PROGRESS', undefined, properties);
      Object.assign(
        record,
        await provider.update({
          ...resourceRequest(stack, logicalId, existing.type, properties, caller, signal),
          physicalId: existing.physicalId!,
          attributes: existing.attributes,
          previousProperties: existing.properties
        })
      );
    }
    markResource(context, stack, { ...record, status: 'UPDATE_COMPLETE' });
  } catch (error) {
    if (!replace && error instanceof ResourceFailure && error.provisioned) {
      Object.assign(record, error.provisioned);
    }
    markResource(context, stack, { ...record, status: 'UPDATE_FAILED' }, messageOf(error));
    throw new StackOperationFailure(`The following resource(s) failed to update: [${logicalId}]. `);
  }
}
