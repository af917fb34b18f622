import type { CallerContext } from '../../../wire/invoke.js';
import type { ResourceRecord, StackRecord } from '../model.js';
import {
  markResource,
  messageOf,
  providerFor,
  resourceEvent,
  resourceRequest,
  safeOrder,
  setStatus,
  type DeploymentContext
} from './steps.js';

/** DeleteStack: every resource, dependents first, except those DeletionPolicy Retain keeps. */
export async function deleteStack(
  context: DeploymentContext,
  stack: StackRecord,
  caller: CallerContext
): Promise<void> {
  const inUse = context.exports.deletionConflict(stack);
  if (inUse !== undefined) {
    setStatus(context, stack, 'DELETE_FAILED', inUse);
    return;
  }
  const order = safeOrder(stack);
  const ids = Object.keys(stack.resources).sort((a, b) => order.indexOf(b) - order.indexOf(a));
  const failed = await deleteResources(context, stack, ids, caller, retainedOnDelete);
  if (failed.length > 0) {
    setStatus(context, stack, 'DELETE_FAILED', deleteFailureReason(failed));
    return;
  }
  stack.deletionTime = new Date();
  context.store.removeChangeSets((changeSet) => changeSet.stackId === stack.stackId);
  setStatus(context, stack, 'DELETE_COMPLETE');
}

/** Deletes the stack's resources by logical id, in the order given; returns those that failed. */
export function deleteResources(
  context: DeploymentContext,
  stack: StackRecord,
  logicalIds: string[],
  caller: CallerContext,
  retained: (record: ResourceRecord) => boolean
): Promise<string[]> {
  const records = logicalIds.map((id) => stack.resources[id]).filter((record) => record !== undefined);
  return deleteRecords(context, stack, records, caller, retained, true);
}

/**
 * Deletes physical resources, except the `retained` ones (DeletionPolicy or UpdateReplacePolicy Retain),
 * which are left as they are (DELETE_SKIPPED). `tracked` records are the stack's own (their status
 * changes); the others are leftovers of a replacement, reported in events only.
 */
export async function deleteRecords(
  context: DeploymentContext,
  stack: StackRecord,
  records: ResourceRecord[],
  caller: CallerContext,
  retained: (record: ResourceRecord) => boolean,
  tracked = false
): Promise<string[]> {
  const failed: string[] = [];
  const signal = new AbortController().signal;
  for (const record of records) {
    if (record.status === 'DELETE_COMPLETE' || record.status === 'DELETE_SKIPPED') continue;
    const mark = (status: string, reason?: string) =>
      tracked
        ? markResource(context, stack, { ...record, status }, reason)
        : resourceEvent(context, stack, record, status, reason);
    if (record.physicalId !== undefined && retained(record)) {
      mark('DELETE_SKIPPED');
      continue;
    }
    mark('DELETE_IN_PROGRESS');
    if (record.physicalId === undefined) {
      mark('DELETE_COMPLETE');
      continue;
    }
    try {
      await providerFor(context, record.type).delete({
        ...resourceRequest(stack, record.logicalId, record.type, record.properties, caller, signal),
        physicalId: record.physicalId,
        attributes: record.attributes,
        previousProperties: record.properties
      });
      mark('DELETE_COMPLETE');
    } catch (error) {
      mark('DELETE_FAILED', messageOf(error));
      failed.push(record.logicalId);
    }
  }
  return failed;
}

/** DeletionPolicy Retain keeps a resource when the stack is deleted or the resource leaves the template. */
export const retainedOnDelete = (record: ResourceRecord) =>
  record.deletionPolicy === 'Retain' || record.deletionPolicy === 'RetainExceptOnCreate';

export function deleteFailureReason(logicalIds: string[]): string {
  return `The following resource(s) failed to delete: [${logicalIds.join(', ')}]. `;
}
