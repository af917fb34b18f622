import { isInProgress, STACK_RESOURCE_TYPE, type StackRecord } from './model.js';
import type { StackStore } from './store.js';

/**
 * Where a stack operation ends when the local stack stopped in the middle of it. The resources may be
 * half-made, so the stack lands in the failed state AWS uses for an operation that could not finish: an
 * update in UPDATE_ROLLBACK_FAILED (ContinueUpdateRollback rolls it back), anything else in a state
 * DeleteStack accepts. Every resource a handler had started to create is in the stack with its physical
 * id (handlers claim it before creating), so that rollback or delete removes it. Only the cleanup phase
 * of an update is resumed: the update itself succeeded, and what is left is deleting the old resources.
 */
const FAILED_STATES: Record<string, string> = {
  CREATE_IN_PROGRESS: 'CREATE_FAILED',
  ROLLBACK_IN_PROGRESS: 'ROLLBACK_FAILED',
  DELETE_IN_PROGRESS: 'DELETE_FAILED',
  UPDATE_IN_PROGRESS: 'UPDATE_ROLLBACK_FAILED',
  UPDATE_ROLLBACK_IN_PROGRESS: 'UPDATE_ROLLBACK_FAILED',
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_ROLLBACK_FAILED',
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_COMPLETE'
};

const REASON =
  'The local stack stopped while this operation was in progress; resources it was changing may be left as they were.';

/** The state a stack operation that could not finish leaves the stack in. */
export function failedState(status: string): string {
  return FAILED_STATES[status] ?? status.replace('_IN_PROGRESS', '_FAILED');
}

/** Settles every interrupted operation; returns the stacks whose update cleanup must run again. */
export function recoverInterruptedOperations(store: StackStore): StackRecord[] {
  const cleanups: StackRecord[] = [];
  for (const stack of store.stacks) {
    if (stack.status === 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' && stack.rollbackTarget) {
      cleanups.push(stack);
      continue;
    }
    if (!isInProgress(stack.status)) continue;
    // An update saves its rollback target before it changes anything: without one, nothing changed.
    const status =
      stack.status.startsWith('UPDATE_') && !stack.rollbackTarget
        ? 'UPDATE_ROLLBACK_COMPLETE'
        : failedState(stack.status);
    for (const resource of Object.values(stack.resources)) {
      if (!resource.status.endsWith('_IN_PROGRESS')) continue;
      resource.status = resource.status.replace('_IN_PROGRESS', '_FAILED');
      resource.statusReason = REASON;
      resource.timestamp = new Date();
      store.addEvent(stack, {
        LogicalResourceId: resource.logicalId,
        PhysicalResourceId: resource.physicalId ?? '',
        ResourceType: resource.type,
        ResourceStatus: resource.status,
        ResourceStatusReason: REASON
      });
    }
    stack.status = status;
    stack.statusReason = REASON;
    store.addEvent(stack, {
      LogicalResourceId: stack.stackName,
      PhysicalResourceId: stack.stackId,
      ResourceType: STACK_RESOURCE_TYPE,
      ResourceStatus: status,
      ResourceStatusReason: REASON
    });
  }
  for (const changeSet of store.changeSets) {
    if (changeSet.status === 'CREATE_PENDING' || changeSet.status === 'CREATE_IN_PROGRESS') {
      changeSet.status = 'FAILED';
      changeSet.statusReason = REASON;
    }
    if (changeSet.executionStatus === 'EXECUTE_IN_PROGRESS') changeSet.executionStatus = 'EXECUTE_FAILED';
  }
  store.save();
  return cleanups;
}
