import type { CallerContext } from '../../../wire/invoke.js';
import type { ResourceRecord, StackRecord } from '../model.js';
import { sameValue } from '../properties.js';
import { applyConfiguration } from './configuration.js';
import { deleteFailureReason, deleteRecords } from './delete.js';
import {
  markResource,
  messageOf,
  providerFor,
  resourceEvent,
  resourceRequest,
  setStatus,
  type DeploymentContext
} from './steps.js';

/**
 * Brings the stack back to its rollback target: resources the update changed are updated back, replaced
 * ones point at their old physical resource again, and what the update created is deleted in the
 * cleanup phase. Resources in `skip` are marked UPDATE_COMPLETE as they are (ContinueUpdateRollback).
 */
export async function rollBackUpdate(
  context: DeploymentContext,
  stack: StackRecord,
  order: string[],
  caller: CallerContext,
  skip: Set<string>
): Promise<void> {
  const target = stack.rollbackTarget!;
  const signal = new AbortController().signal;
  const others = Object.keys(stack.resources).filter((id) => !order.includes(id));
  const logicalIds = [...order, ...others].reverse();
  // What the update created is saved with the target before any record points back at the old resource,
  // so a rollback interrupted by a restart still deletes it when it is continued.
  const created = logicalIds
    .map((id) => stack.resources[id])
    .filter(
      (current): current is ResourceRecord =>
        current?.physicalId !== undefined &&
        current.physicalId !== target.resources[current.logicalId]?.physicalId &&
        !target.leftovers?.some((leftover) => leftover.physicalId === current.physicalId)
    );
  target.leftovers = [...(target.leftovers ?? []), ...created];
  context.store.save();
  for (const logicalId of logicalIds) {
    const current = stack.resources[logicalId];
    const before = target.resources[logicalId];
    if (!current || !before) continue;
    const samePhysical = current.physicalId === before.physicalId;
    const sameProperties = sameValue(current.properties, before.properties);
    if (samePhysical && sameProperties && current.status === before.status) continue;
    if (!skip.has(logicalId)) {
      resourceEvent(context, stack, before, 'UPDATE_IN_PROGRESS');
      if (samePhysical && !sameProperties) {
        try {
          await providerFor(context, before.type).update({
            ...resourceRequest(stack, logicalId, before.type, before.properties, caller, signal),
            physicalId: before.physicalId!,
            attributes: before.attributes,
            previousProperties: current.properties
          });
        } catch (error) {
          markResource(context, stack, { ...current, status: 'UPDATE_FAILED' }, messageOf(error));
          setStatus(
            context,
            stack,
            'UPDATE_ROLLBACK_FAILED',
            `The following resource(s) failed to update: [${logicalId}]. `
          );
          return;
        }
      }
    }
    markResource(context, stack, { ...before, status: 'UPDATE_COMPLETE' });
  }
  applyConfiguration(stack, target.configuration);
  stack.outputs = target.outputs;
  setStatus(context, stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
  const failed = await deleteRecords(context, stack, target.leftovers, caller, () => false);
  for (const logicalId of Object.keys(stack.resources)) {
    if (!(logicalId in target.resources)) delete stack.resources[logicalId];
  }
  if (failed.length > 0) {
    // The target stays, with what is still to delete, so ContinueUpdateRollback tries again.
    target.leftovers = target.leftovers.filter((leftover) => failed.includes(leftover.logicalId));
    setStatus(context, stack, 'UPDATE_ROLLBACK_FAILED', deleteFailureReason(failed));
    return;
  }
  delete stack.rollbackTarget;
  setStatus(context, stack, 'UPDATE_ROLLBACK_COMPLETE');
}
